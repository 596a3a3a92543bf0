package io.leadflow.registry.client;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class InMemorySchemaRegistryClientTest {
    @Test
    void schemasRegisteredAtTheSameTimeGetIdsOfTheirOwn() throws Exception {
        // Given many threads registering different schemas at once (as engine instances in one test JVM do at start-up)
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Map<Integer, Schema> byId = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Schema schema = SchemaBuilder.record("R" + i).namespace("test").fields().requiredString("f" + i).endRecord();
            done.add(threads.submit(() -> {
                start.await();
                Schema previous = byId.putIfAbsent(registry.register("subject-" + schema.getName(), schema), schema);
                assertThat(previous).as("an id given to two schemas").isNull();
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        threads.shutdown();

        // Then every schema has its own id, and the registry gives back the schema under it
        assertThat(byId).hasSize(200);
        byId.forEach((id, schema) -> assertThat(registry.getSchemaById(id)).isEqualTo(schema));
    }
}
