package io.leadflow.app;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.FakeAlertReceivers;
import io.leadflow.testing.KafkaTestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SLA breach, live, from a vendor's webhook to the alert receiver on a real broker: it arrives within moments of
 * its deadline although no other input comes, and an engine restart neither loses a breach that fell due while it
 * was down nor sends an earlier one again.
 */
class SlaAlertDeliveryIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "sla-alert-delivery-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A missed call must be answered within 90 s (calendar time): the test's call happened 70 s before it is sent. */
    private static final Duration TARGET = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aBreachAlertArrivesWithinASecondOfItsDeadlineAndOnceAcrossARestart() throws Exception {
        try (FakeAlertReceivers receivers = new FakeAlertReceivers("unused")) {
            Path file = Files.writeString(dir.resolve("leadflow.yaml"), """
                    tenants:
                      acme:
                        timeZone: Europe/Moscow
                        leads: {idSecret: test-lead-id-secret}
                        mango: {apiKey: k, apiSalt: s}
                        roster:
                          teams: {sales: {fallback: true, lead: olga}}
                          managers: {anna: {team: sales, extensions: ["101"]}, olga: {team: sales, available: false}}
                        sla: {policies: {missed_call: {target: PT90S, warnAt: []}}, callbacks: []}
                        alerts: {language: en, webhook: {url: "%s/hook", secret: s3cret}}
                    """.formatted(receivers.url()));
            LeadflowConfig config = LeadflowConfig.load(file);
            VendorRequests acme = new VendorRequests("acme", config.tenant("acme").orElseThrow());

            // Given an engine with its gateway and alert sinks, and a call missed 70 s ago
            Instant deadline1;
            try (LeadflowNode node = start(config)) {
                Instant missed = Instant.now().minusSeconds(70).truncatedTo(ChronoUnit.SECONDS);
                deadline1 = missed.plus(TARGET);
                send(node, acme, "e-1", "79160000001", missed);

                // When its deadline passes with no callback and no other input
                await(() -> receivers.webhook.size() == 1, receivers, "the breach reaches the receiver");

                // Then the breach alert reaches the receiver within moments of the deadline
                Duration late = Duration.between(deadline1, receivers.webhook.get(0).at());
                System.out.printf("SlaAlertDeliveryIT: breach delivered %d ms after its deadline%n", late.toMillis());
                assertThat(receivers.webhook.get(0).body().path("kind").asText()).isEqualTo("SLA_BREACHED");
                assertThat(late).isPositive().isLessThan(Duration.ofSeconds(1));

                // And given a second call, missed 80 s ago, when the engine stops before its deadline
                send(node, acme, "e-2", "79160000002", Instant.now().minusSeconds(80).truncatedTo(ChronoUnit.SECONDS));
            }
            Thread.sleep(12_000); // its deadline passes while nothing runs
            assertThat(receivers.webhook).hasSize(1);

            // Then, restarted, the engine sends the breach that fell due while it was down, once, and not the first again
            try (LeadflowNode node = start(config)) {
                await(() -> receivers.webhook.size() == 2, receivers, "the overdue breach after the restart");
                Thread.sleep(3_000);
            }
            assertThat(receivers.webhook).extracting(r -> r.body().path("contact").asText() + " " + r.body().path("kind").asText())
                    .containsExactly("+79160000001 SLA_BREACHED", "+79160000002 SLA_BREACHED");
            assertThat(receivers.webhook).extracting(r -> r.body().path("alertId").asText()).doesNotHaveDuplicates();
        } finally {
            SchemaRegistryClients.dropScope(SCOPE);
        }
    }

    private LeadflowNode start(LeadflowConfig config) throws InterruptedException {
        LeadflowNode node = TestNodes.start(KAFKA.bootstrapServers(), REGISTRY, config, SCOPE, dir.resolve("state"), 2,
                LeadflowNode.Gateway.WEBHOOKS);
        node.awaitEngineRunning(Duration.ofSeconds(60));
        return node;
    }

    private static void send(LeadflowNode node, VendorRequests acme, String entry, String caller, Instant at) throws Exception {
        WebhookRequest summary = acme.mango("summary", VendorPayloads.mangoSummary(entry, true, caller, "101", "74951234567", at, null,
                at.plusSeconds(30)));
        assertThat(summary.send(HTTP, URI.create("http://127.0.0.1:" + node.httpPort()), Duration.ofSeconds(15)).statusCode())
                .isEqualTo(200);
    }

    private static void await(BooleanSupplier condition, FakeAlertReceivers receivers, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what + "; the receiver has " + receivers.webhook);
            }
            Thread.sleep(10);
        }
    }
}
