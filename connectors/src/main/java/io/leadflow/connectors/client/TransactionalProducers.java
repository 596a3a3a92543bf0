package io.leadflow.connectors.client;

import io.leadflow.kafka.KafkaClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The connectors' transactional producers: started ready for transactions, and dropped without waiting when
 * Kafka failed them (closing aborts the open transaction; the next attempt starts with a new producer).
 */
public final class TransactionalProducers {
    private static final Logger log = LoggerFactory.getLogger(TransactionalProducers.class);

    private TransactionalProducers() {
    }

    /** A producer with {@code initTransactions} done, which also fences an older producer of the same id. */
    public static KafkaProducer<byte[], byte[]> start(String bootstrapServers, String transactionalId, Map<String, Object> extra) {
        Map<String, Object> config = KafkaClientConfig.of(bootstrapServers, extra);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            created.initTransactions();
            return created;
        } catch (KafkaException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    /** Closes at once (aborting an open transaction); a producer Kafka already failed may fail to close too. */
    public static void discard(KafkaProducer<byte[], byte[]> producer) {
        if (producer == null) {
            return;
        }
        try {
            producer.close(Duration.ZERO);
        } catch (KafkaException e) {
            log.debug("Closing a failed producer also failed", e);
        }
    }
}
