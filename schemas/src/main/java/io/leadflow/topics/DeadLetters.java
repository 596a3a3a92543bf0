package io.leadflow.topics;

import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawKey;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;

/** Builds dead-letter records: the reason, where the record came from, and its raw bytes. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(String tenant, String stage, String reason, Throwable error, String topic, int partition,
                                long offset, byte[] key, byte[] value) {
        return DeadLetter.newBuilder()
                .setTenant(tenant)
                .setStage(stage)
                .setReason(reason == null ? String.valueOf(error) : reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
                .setValue(value == null ? null : java.nio.ByteBuffer.wrap(value))
                .setFailedAt(Instant.now())
                .build();
    }

    /** Key of a dead letter: the tenant when known, and where the record was, so ops can find the original. */
    public static RawKey keyFor(String tenant, String topic, int partition, long offset) {
        return new RawKey(tenant == null ? "" : tenant, topic + "/" + partition + "@" + offset);
    }

    /** Serialized record for Kafka Streams' exception-handler dead-letter output. */
    public static ProducerRecord<byte[], byte[]> serialized(Topic<RawKey, DeadLetter> dlq, RawKey key, DeadLetter value) {
        byte[] k = dlq.keySerde().serializer().serialize(dlq.name(), key);
        byte[] v = dlq.valueSerde().serializer().serialize(dlq.name(), value);
        return new ProducerRecord<>(dlq.name(), k, v);
    }
}
