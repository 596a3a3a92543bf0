package io.leadflow.connectors.calltouch;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.FakeCallTouchApi;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reconciliation against a CallTouch-shaped API and a real broker: each record stored once, across pulls and restarts. */
class CallTouchPollerIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "calltouch-poller-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    private static Topics topics;
    private static FakeCallTouchApi api;
    private static TenantConfig tenant;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        KAFKA.createTopics(List.of(topics.raw(Vendor.CALLTOUCH).name(), topics.connectorCursors().name()), 1);
        api = new FakeCallTouchApi();
        tenant = new TenantConfig("Europe/Moscow", "RU", null, null,
                new TenantConfig.CallTouchConfig("s", List.of(), Map.of(), null, api.settings(2, Duration.ofHours(6))), null, null);
    }

    @AfterAll
    static void stop() {
        api.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    private static CallTouchPoller poller() {
        VendorApi http = new VendorApi("CallTouch API of acme", 1000, 2, Duration.ofMillis(10));
        return new CallTouchPoller("acme", tenant, new CallTouchApiClient(tenant.calltouch().api(), http), topics, KAFKA.bootstrapServers());
    }

    @Test
    void eachRecordIsStoredOnceAcrossPullsRestartsAndFailures() throws Exception {
        // Given two recent calls, a recent form request and a call older than the re-read window
        api.addCall(501, "79161111111", NOW.minus(Duration.ofHours(1)), tenant.zone());
        api.addCall(502, "79162222222", NOW.minus(Duration.ofHours(2)), tenant.zone());
        api.addRequest(77, "+7 916 333-33-33", NOW.minus(Duration.ofMinutes(30)));
        api.addCall(400, "79164444444", NOW.minus(Duration.ofDays(3)), tenant.zone());

        try (CallTouchPoller poller = poller()) {
            // When pulled twice
            assertThat(poller.poll(NOW).stored()).isEqualTo(3);
            assertThat(poller.poll(NOW.plus(Duration.ofMinutes(10))).stored()).isZero();

            // And CallTouch publishes a call of three hours ago only now
            api.addCall(503, "79165555555", NOW.minus(Duration.ofHours(3)), tenant.zone());
            assertThat(poller.poll(NOW.plus(Duration.ofMinutes(20))).stored()).isEqualTo(1);

            // And the API is down for a pull: nothing is stored and the cursor stays
            api.failNext(10);
            assertThatThrownBy(() -> poller.poll(NOW.plus(Duration.ofMinutes(30)))).isInstanceOf(VendorApiException.class);
            api.failNext(0);
        }
        // And the poller restarts and pulls again
        try (CallTouchPoller restarted = poller()) {
            assertThat(restarted.poll(NOW.plus(Duration.ofMinutes(40))).stored()).isZero();
        }

        // Then the raw topic holds each recent record exactly once, with the webhook's dedupe identity
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.CALLTOUCH);
        List<ConsumerRecord<RawKey, RawEnvelope>> stored = KAFKA.readCommitted(raw.name(), raw.keySerde().deserializer(),
                raw.valueSerde().deserializer(), 4, Duration.ofSeconds(30));
        assertThat(stored).extracting(r -> r.value().getDedupeKey()).containsExactlyInAnyOrder(
                "calltouch:call:501:end", "calltouch:call:502:end", "calltouch:request:77", "calltouch:call:503:end");
        assertThat(stored).allSatisfy(r -> {
            assertThat(r.key().getTenant()).isEqualTo("acme");
            assertThat(r.value().getKind()).startsWith("diary/");
            assertThat(StandardCharsets.UTF_8.decode(r.value().getBody()).toString()).doesNotContain(FakeCallTouchApi.TOKEN);
            assertThat(r.value().getPath()).doesNotContain(FakeCallTouchApi.TOKEN);
        });
    }
}
