package io.leadflow.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClients;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Prints a topic's records as JSON, decoding the Confluent wire format with the writer schema from the
 * registry (values) and plain-text keys as strings — what ops reach for when they want to see what leadflow wrote, without other Kafka tools.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print records of a leadflow topic as JSON (read_committed), e.g. leadflow tail leadflow.lead-events --from-beginning")
final class TailCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", description = "Topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest.")
    boolean fromBeginning;

    @Option(names = "--max", defaultValue = "-1", description = "Stop after N records (default: follow until Ctrl-C).")
    long max;

    @Option(names = "--idle-exit", description = "Stop when no record arrives for this long, e.g. PT5S.")
    Duration idleExit;

    @Override
    public Integer call() throws Exception {
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(cluster.registryConfig());
        Map<String, Object> config = KafkaClientConfig.of(cluster.connect(), Map.of());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long printed = 0;
        long lastRecord = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            while (max < 0 || printed < max) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    System.out.printf("{\"partition\":%d,\"offset\":%d,\"timestamp\":%d,\"key\":%s,\"value\":%s}%n",
                            r.partition(), r.offset(), r.timestamp(), decode(registry, r.key()), decode(registry, r.value()));
                    lastRecord = System.nanoTime();
                    if (++printed == max) {
                        break;
                    }
                }
                if (idleExit != null && System.nanoTime() - lastRecord > idleExit.toNanos()) {
                    break;
                }
            }
        }
        return 0;
    }

    private static String decode(SchemaRegistryClient registry, byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < 5 || buffer.get() != 0) {
            // leadflow's keys are plain text (tenant|contact, ...); anything else is shown as text too
            return jsonString(new String(bytes, StandardCharsets.UTF_8));
        }
        Schema schema = registry.getSchemaById(buffer.getInt());
        try {
            Object datum = new GenericDatumReader<>(schema).read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
            return datum.toString(); // Avro's GenericRecord.toString() is JSON
        } catch (IOException e) {
            return jsonString("(undecodable: " + e.getMessage() + ")");
        }
    }

    private static String jsonString(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a String always writes
        }
    }
}
