package io.leadflow.engine;

import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawKey;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.topics.DeadLetters;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Kafka Streams exception handlers that never stop a stream thread for one bad record: the record goes
 * to the dead-letter topic (as a {@link DeadLetter} with the source coordinates and raw bytes, inside the
 * same exactly-once transaction) and processing resumes.
 */
public final class DeadLetterHandlers {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

    private DeadLetterHandlers() {
    }

    private static Topic<RawKey, DeadLetter> deadLetterTopic(Map<String, ?> configs) {
        return new Topics(SchemaRegistryClients.fromConfig(configs), configs).deadLetter();
    }

    private static List<ProducerRecord<byte[], byte[]>> letter(Topic<RawKey, DeadLetter> dlq, ErrorHandlerContext ctx,
                                                               String stage, Exception error) {
        log.warn("Dead-lettered record {}/{}@{} at {}: {}", ctx.topic(), ctx.partition(), ctx.offset(), stage, error.toString());
        DeadLetter letter = DeadLetters.of(null, stage, error.getMessage(), error, ctx.topic(), ctx.partition(),
                ctx.offset(), ctx.sourceRawKey(), ctx.sourceRawValue());
        return List.of(DeadLetters.serialized(dlq, DeadLetters.keyFor(null, ctx.topic(), ctx.partition(), ctx.offset()), letter));
    }

    /** A record whose bytes are not what the topic's schema says (corrupt, wrong magic byte, unknown schema id). */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private Topic<RawKey, DeadLetter> dlq;

        @Override
        public void configure(Map<String, ?> configs) {
            dlq = deadLetterTopic(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext ctx, ConsumerRecord<byte[], byte[]> record, Exception error) {
            return Response.resume(letter(dlq, ctx, "deserialize", error));
        }
    }

    /**
     * Kafka refused one output record for good (a timestamp outside the broker's bounds, a record too large) or it
     * could not be serialized: the input record goes to the dead-letter topic and the rest flows on. Errors worth
     * retrying are retried; the producer's own transactional errors never reach this handler.
     */
    public static final class Production implements ProductionExceptionHandler {
        private Topic<RawKey, DeadLetter> dlq;

        @Override
        public void configure(Map<String, ?> configs) {
            dlq = deadLetterTopic(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext ctx, ProducerRecord<byte[], byte[]> record, Exception error) {
            if (error instanceof RetriableException) {
                return Response.retry();
            }
            return Response.resume(letter(dlq, ctx, "produce to " + record.topic(), error));
        }

        @Override
        public Response handleSerializationError(ErrorHandlerContext ctx, ProducerRecord record, Exception error,
                                                 SerializationExceptionOrigin origin) {
            return Response.resume(letter(dlq, ctx, "serialize for " + record.topic(), error));
        }
    }

    /** A processor that threw on a record: a bug or a case nobody foresaw; one record must not stop the rest. */
    public static final class Processing implements ProcessingExceptionHandler {
        private Topic<RawKey, DeadLetter> dlq;

        @Override
        public void configure(Map<String, ?> configs) {
            dlq = deadLetterTopic(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext ctx, Record<?, ?> record, Exception error) {
            return Response.resume(letter(dlq, ctx, ctx.processorNodeId(), error));
        }
    }
}
