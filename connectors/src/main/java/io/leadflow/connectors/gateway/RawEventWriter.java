package io.leadflow.connectors.gateway;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.topics.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes raw envelopes durably: idempotent producer, {@code acks=all}. The returned future completes
 * only when the broker has acknowledged the write, which is when the gateway may answer 2xx.
 */
public final class RawEventWriter implements AutoCloseable {
    private final KafkaProducer<RawKey, RawEnvelope> producer;
    private final RawKeys keys;

    /** Keyed by the vendor's ordering key. */
    public RawEventWriter(Map<String, Object> clientConfig, Topic<RawKey, RawEnvelope> anyRawTopic, Duration deliveryTimeout) {
        this(clientConfig, anyRawTopic, deliveryTimeout, RawKeys.BY_STREAM);
    }

    /** @param keys what each record is keyed by (the engine's: its contact, where the envelope names one) */
    public RawEventWriter(Map<String, Object> clientConfig, Topic<RawKey, RawEnvelope> anyRawTopic, Duration deliveryTimeout, RawKeys keys) {
        this.keys = keys;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        int lingerMs = 2;
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        // A send must neither block a request thread nor retry for longer than the vendor waits.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5_000L, deliveryTimeout.toMillis()));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(deliveryTimeout.toMillis() - lingerMs, 10_000L));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "leadflow-gateway");
        this.producer = new KafkaProducer<>(config,
                anyRawTopic.keySerde().serializer(), anyRawTopic.valueSerde().serializer());
    }

    public CompletableFuture<RecordMetadata> write(Topic<RawKey, RawEnvelope> topic, RawKey key, RawEnvelope envelope) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic.name(), null, envelope.getReceivedAt().toEpochMilli(), keys.keyFor(envelope, key), envelope),
                    (metadata, error) -> {
                        if (error != null) {
                            acked.completeExceptionally(error);
                        } else {
                            acked.complete(metadata);
                        }
                    });
        } catch (RuntimeException e) { // metadata not available within max.block.ms, serialization, closed
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
