package io.leadflow.app;

import io.leadflow.avro.AttributionEvent;
import io.leadflow.avro.AttributionKey;
import io.leadflow.avro.ModelCredits;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.PastWeek;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code leadflow reattribute} on a real broker while the engine runs: with the live parameters it reproduces the
 * live attribution lead for lead; with another half-life and one model it writes that model's new version into its
 * own topic; the live topic is left alone.
 */
class ReattributeIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "reattribute-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Instant MONDAY = PastWeek.monday(7, 0);
    private static final String[] SOURCES = {"google", "yandex", "vk"};

    @TempDir
    Path dir;

    @Test
    void replayingTheLogReproducesTheLiveAttributionAndOtherParametersGiveAVersionOfTheirOwn() throws Exception {
        Path file = Files.writeString(dir.resolve("leadflow.yaml"), """
                tenants:
                  acme:
                    timeZone: Europe/Moscow
                    mango: {apiKey: k, apiSalt: s}
                    calltouch: {secret: ct}
                    roster: {teams: {sales: {fallback: true}}, managers: {anna: {team: sales, extensions: ["101"]}}}
                    attribution: {hashSecret: s3cret, halfLife: P7D}
                """);
        LeadflowConfig config = LeadflowConfig.load(file);
        VendorRequests acme = new VendorRequests("acme", config.tenant("acme").orElseThrow());
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        try (LeadflowNode node = TestNodes.start(KAFKA.bootstrapServers(), REGISTRY, config, SCOPE, dir.resolve("state"), 2,
                LeadflowNode.Gateway.WEBHOOKS)) {
            node.awaitEngineRunning(Duration.ofSeconds(60));
            // Given six callers, each of whom (CallTouch reports later) had left a form from an ad days before calling
            URI gateway = URI.create("http://127.0.0.1:" + node.httpPort());
            for (int i = 0; i < 6; i++) {
                send(acme.mango("summary", VendorPayloads.mangoSummary("e-" + i, true, "7916777000" + i, "101", "74951234567",
                        MONDAY.plusSeconds(600L * i), MONDAY.plusSeconds(600L * i + 5), MONDAY.plusSeconds(600L * i + 95))), gateway);
            }
            latest(topics.attribution(), 6, 1); // the calls opened the leads (a form processed first would open its own)
            for (int i = 0; i < 6; i++) {
                send(acme.calltouch(VendorPayloads.calltouchRequest("rq-" + i, "7916777000" + i, MONDAY.minus(Duration.ofDays(1 + i)),
                        new VendorPayloads.Source(SOURCES[i % 3], "cpc", "spring", null), MOSCOW), true), gateway);
            }
            Map<String, AttributionEvent> live = latest(topics.attribution(), 6, 2);
            assertThat(live).hasSize(6);

            // When the log is re-attributed twice while the engine runs: with the live parameters, and with a 3-day half-life
            String[] common = {"--bootstrap-servers=" + KAFKA.bootstrapServers(), "--schema-registry-url=mock://" + SCOPE,
                    "--config=" + file, "--state-dir=" + dir.resolve("reattribute"), "--partitions=2", "--replication-factor=1"};
            assertThat(LeadflowCli.run(concat(common, "reattribute", "--label=same"))).isZero();
            assertThat(LeadflowCli.run(concat(common, "reattribute", "--label=decay-3d", "--half-life=P3D", "--model=time-decay")))
                    .isZero();

            // Then the same parameters give the same attribution, lead for lead
            Map<String, AttributionEvent> same = latest(topics.attributionOutputs("same").attribution(), 6, 2);
            assertThat(same).isEqualTo(live);
            // and the other half-life is a version of its own, with the form weighed less against the call
            Map<String, AttributionEvent> decay = latest(topics.attributionOutputs("decay-3d").attribution(), 6, 2);
            assertThat(decay.keySet()).isEqualTo(live.keySet());
            for (String lead : live.keySet()) {
                ModelCredits before = model(live.get(lead), "time-decay");
                ModelCredits after = model(decay.get(lead), "time-decay");
                assertThat(decay.get(lead).getModels()).hasSize(1);
                assertThat(after.getVersion()).isEqualTo("time-decay/1 halfLife=PT72H");
                assertThat(before.getVersion()).isEqualTo("time-decay/1 halfLife=PT168H");
                assertThat(after.getCredits().get(0)).as("the form, days before the call").isLessThan(before.getCredits().get(0));
            }
            // and the live topic has only what the engine wrote
            assertThat(latest(topics.attribution(), 6, 2)).isEqualTo(live);
        } finally {
            SchemaRegistryClients.dropScope(SCOPE);
        }
    }

    private static void send(WebhookRequest request, URI gateway) throws Exception {
        assertThat(request.send(HTTP, gateway, Duration.ofSeconds(15)).statusCode()).isEqualTo(200);
    }

    /** Each lead's highest revision on the topic, once {@code leads} leads are there, each credited to {@code touches} touches. */
    private static Map<String, AttributionEvent> latest(Topic<AttributionKey, AttributionEvent> topic, int leads, int touches) {
        List<ConsumerRecord<AttributionKey, AttributionEvent>> records = KafkaTestBroker.readCommittedUntil(KAFKA.bootstrapServers(),
                topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer(),
                r -> latest(r).size() >= leads && latest(r).values().stream().allMatch(e -> e.getTouches().size() == touches),
                Duration.ofSeconds(60), Duration.ofSeconds(2));
        return latest(records);
    }

    private static Map<String, AttributionEvent> latest(List<ConsumerRecord<AttributionKey, AttributionEvent>> records) {
        BinaryOperator<AttributionEvent> higher = (a, b) -> a.getRevision() >= b.getRevision() ? a : b;
        return records.stream().map(ConsumerRecord::value)
                .collect(Collectors.toMap(AttributionEvent::getLeadId, e -> e, higher, TreeMap::new));
    }

    private static ModelCredits model(AttributionEvent event, String id) {
        return event.getModels().stream().filter(m -> m.getModel().equals(id)).findFirst().orElseThrow();
    }

    private static String[] concat(String[] common, String... args) {
        String[] all = new String[args.length + common.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        return all;
    }
}
