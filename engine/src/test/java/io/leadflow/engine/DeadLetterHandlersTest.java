package io.leadflow.engine;

import io.leadflow.avro.DeadLetter;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterHandlersTest {
    private static final String SCOPE = "dead-letter-handlers-test";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void dropRegistry() {
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void aProcessorFailureBecomesADeadLetterWithTheSourceBytesAndProcessingResumes() {
        var handler = new DeadLetterHandlers.Processing();
        handler.configure(REGISTRY);

        var response = handler.handleError(context(), new Record<>("k", "v", 0L), new IllegalStateException("boom"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.DEAD_LETTER);
            var topic = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY).deadLetter();
            DeadLetter letter = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
            assertThat(letter.getStage()).isEqualTo("lead-lifecycle");
            assertThat(letter.getReason()).isEqualTo("boom");
            assertThat(letter.getErrorClass()).isEqualTo(IllegalStateException.class.getName());
            assertThat(letter.getSourceTopic()).isEqualTo("leadflow.calls");
            assertThat(letter.getSourcePartition()).isEqualTo(3);
            assertThat(letter.getSourceOffset()).isEqualTo(42L);
            assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).isEqualTo("raw value");
            assertThat(topic.keySerde().deserializer().deserialize(r.topic(), r.key()).getStream()).isEqualTo("leadflow.calls/3@42");
        });
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() {
                return "leadflow.calls";
            }

            public int partition() {
                return 3;
            }

            public long offset() {
                return 42;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "lead-lifecycle";
            }

            public TaskId taskId() {
                return new TaskId(1, 3);
            }

            public long timestamp() {
                return 0;
            }

            public byte[] sourceRawKey() {
                return "raw key".getBytes(StandardCharsets.UTF_8);
            }

            public byte[] sourceRawValue() {
                return "raw value".getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
