package io.leadflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.FakeBitrix24;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.PastWeek;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance day of lead routing, end to end on a real broker: signed webhooks in (answered and missed calls, a
 * repeat caller, one call reported by CallTouch and by the PBX, a Mango retry, a manager off shift, a form), lead
 * events out — exactly the expected leads, owners and reasons — and each lead once in a Bitrix24-shaped CRM with its
 * owner, source and call, although the CRM was down while the day began.
 */
class ScriptedDayIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "scripted-day-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Instant MONDAY_10 = PastWeek.monday(7, 0); // 10:00 in Moscow
    private static final String SALES_LINE = "74951234567";
    private static final String VIP_LINE = "74957777777";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static FakeBitrix24 portal;
    private static LeadflowNode node;
    private static VendorRequests acme;
    private static Topics topics;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        portal = new FakeBitrix24();
        Path config = Files.writeString(dir.resolve("leadflow.yaml"), """
                tenants:
                  acme:
                    timeZone: Europe/Moscow
                    leads: {idSecret: test-lead-id-secret}
                    mango: {apiKey: k, apiSalt: s}
                    calltouch: {secret: ct}
                    bitrix24: {applicationToken: t, restUrl: "%s", leads: {defaultUserId: "1"}}
                    roster:
                      teams:
                        sales: {strategy: ROUND_ROBIN, fallback: true}
                        vip: {strategy: LEAST_LOADED}
                      lines: {"+7 495 123-45-67": sales, "+7 495 777-77-77": vip}
                      managers:
                        anna:   {team: sales, extensions: ["101"], crm: {bitrix24: "17"}, shifts: {weekly: {MON-FRI: ["09:00-18:00"]}}}
                        boris:  {team: sales, extensions: ["102"], crm: {bitrix24: "18"}, shifts: {weekly: {MON-FRI: ["14:00-22:00"]}}}
                        clara:  {team: vip, extensions: ["201"], crm: {bitrix24: "19"}}
                        dmitry: {team: vip, extensions: ["202"]}
                """.formatted(portal.restUrl()));
        LeadflowConfig leadflow = LeadflowConfig.load(config);
        TenantConfig tenant = leadflow.tenant("acme").orElseThrow();
        acme = new VendorRequests("acme", tenant);
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        portal.down(true); // the CRM is down as the day begins
        node = TestNodes.start(KAFKA.bootstrapServers(), REGISTRY, leadflow, SCOPE, dir.resolve("state"), 2, LeadflowNode.Gateway.WEBHOOKS);
        node.awaitEngineRunning(Duration.ofSeconds(60));
        base = URI.create("http://127.0.0.1:" + node.httpPort());
    }

    @AfterAll
    static void stop() {
        node.close();
        portal.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void theDayGivesExactlyTheExpectedLeadsOwnersAndReasonsAndEachLeadReachesTheCrmOnce() throws Exception {
        // 10:00 C1 calls the sales line; anna (101) answers
        send(acme.mango("summary", summary("e1", "79160000001", SALES_LINE, "101", MONDAY_10, true)));
        awaitAssignments(1);
        // 10:05 C2 calls the sales line; nobody answers (boris works from 14:00). Mango delivers the summary twice
        WebhookRequest missed = acme.mango("summary", summary("e2", "79160000002", SALES_LINE, "101", MONDAY_10.plusSeconds(300), false));
        send(missed);
        send(missed);
        awaitAssignments(2);
        // 10:10 C3 calls the VIP line: CallTouch reports it first, the PBX 30 s later says dmitry (202) answered
        send(acme.calltouch(VendorPayloads.calltouchCall("ct-3", "79160000003", VIP_LINE, MONDAY_10.plusSeconds(600), 40, true,
                new VendorPayloads.Source("yandex", "cpc", "vip-brand", null), MOSCOW), true));
        awaitAssignments(3);
        send(acme.mango("summary", summary("e3", "79160000003", VIP_LINE, "202", MONDAY_10.plusSeconds(630), true)));
        awaitAssignments(4);
        // 11:00 C2 calls again, missed again: the same lead
        send(acme.mango("summary", summary("e4", "79160000002", SALES_LINE, "101", MONDAY_10.plusSeconds(3600), false)));
        // 15:00 C4 calls the sales line, missed: boris is on shift now and it is his turn
        send(acme.mango("summary", summary("e5", "79160000004", SALES_LINE, "102", MONDAY_10.plusSeconds(5 * 3600), false)));
        awaitAssignments(5);
        // 15:30 C5 leaves a form on the site: no line, so the fallback team; anna's turn again
        send(acme.calltouch(VendorPayloads.calltouchRequest("rq-5", "79160000005", MONDAY_10.plusSeconds(5 * 3600 + 1800),
                new VendorPayloads.Source("google", "cpc", "spring", null), MOSCOW), true));
        List<LeadEvent> events = awaitAssignments(6);

        // Then five leads, one per contact, with these owners and reasons
        Map<String, Long> created = events.stream().filter(e -> e.getPayload() instanceof LeadCreated)
                .collect(Collectors.groupingBy(LeadEvent::getContact, Collectors.counting()));
        assertThat(created).containsOnlyKeys("+79160000001", "+79160000002", "+79160000003", "+79160000004", "+79160000005")
                .allSatisfy((contact, count) -> assertThat(count).isEqualTo(1));
        Map<String, String> owners = new LinkedHashMap<>();
        events.stream().filter(e -> e.getPayload() instanceof LeadAssigned).forEach(e -> {
            LeadAssigned a = (LeadAssigned) e.getPayload();
            owners.merge(e.getContact(), a.getOwner() + " (" + a.getRule() + ")", (before, after) -> before + " → " + after);
        });
        assertThat(owners).containsExactlyInAnyOrderEntriesOf(Map.of(
                "+79160000001", "anna (answered-by)",
                "+79160000002", "anna (round-robin)",
                "+79160000003", "clara (least-loaded) → dmitry (answered-by)",
                "+79160000004", "boris (round-robin)",
                "+79160000005", "anna (round-robin)"));
        assertThat(reason(events, "+79160000002")).isEqualTo(
                "line +74951234567 → team sales; round-robin in team sales → anna (boris off shift)");
        assertThat(reason(events, "+79160000005")).startsWith("no line → fallback team sales; round-robin in team sales → anna");
        // And the lead API answers with the owner
        JsonNode c3 = JSON.readTree(get("/api/leads?tenant=acme&phone=8%20916%20000-00-03"));
        assertThat(c3.path("owner").asText()).isEqualTo("dmitry");
        assertThat(c3.path("touches").asInt()).isEqualTo(1); // CallTouch's and the PBX's report are one touch

        // When the CRM comes back, each lead is there once, with its owner, source and calls
        portal.down(false);
        await(() -> portal.leads().size() == 5 && portal.finishedCalls().size() == 5 && crmOwner("+79160000004").equals("18"),
                "all leads and calls in the CRM");
        Thread.sleep(1500); // and nothing more arrives
        assertThat(portal.leads()).hasSize(5);
        assertThat(crmOwner("+79160000001")).isEqualTo("17");
        assertThat(crmOwner("+79160000003")).isEqualTo("1"); // dmitry has no Bitrix24 user: the default one
        assertThat(crmLead("+79160000003").path("UTM_CAMPAIGN").asText()).isEqualTo("vip-brand");
        assertThat(crmLead("+79160000005").path("SOURCE_ID").asText()).isEqualTo("WEB");
        assertThat(portal.registeredCalls()).containsOnlyKeys("e1", "e2", "e3", "e4", "e5");
        assertThat(portal.registeredCalls().get("e3").path("USER_PHONE_INNER").asText()).isEqualTo("202");

        // And when anna goes home sick at 16:00 (through the roster API), the next two sales leads go to boris
        HttpResponse<String> away = put("/api/roster/acme/managers/anna/availability", "{\"available\": false}");
        assertThat(away.statusCode()).as(away.body()).isEqualTo(200);
        assertThat(JSON.readTree(get("/api/roster/acme")).path("managers").path("anna").path("source").asText()).isEqualTo("api");
        send(acme.mango("summary", summary("e6", "79160000006", SALES_LINE, "102", MONDAY_10.plusSeconds(6 * 3600), false)));
        send(acme.mango("summary", summary("e7", "79160000007", SALES_LINE, "102", MONDAY_10.plusSeconds(6 * 3600 + 600), false)));
        List<LeadEvent> later = awaitAssignments(8);
        java.util.Set<String> before = events.stream().map(LeadEvent::getEventId).collect(Collectors.toSet());
        // (a new read interleaves the partitions anew: what is new is what the first read did not have)
        assertThat(later).filteredOn(e -> !before.contains(e.getEventId())).filteredOn(e -> e.getPayload() instanceof LeadAssigned)
                .extracting(e -> ((LeadAssigned) e.getPayload()).getOwner()).containsExactly("boris", "boris");
        // And the roster API refuses what would break routing, saying why
        assertThat(put("/api/roster/acme/managers/zoe", "{\"team\": \"nope\"}").body()).contains("unknown_team");
        assertThat(put("/api/roster/acme/managers/zoe", "{\"team\": \"sales\", \"shifts\": {\"weekly\": {\"MON\": [\"9-18\"]}}}").body())
                .contains("invalid_roster_entry", "shift interval '9-18' is not HH:mm-HH:mm");
        HttpResponse<String> inUse = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/roster/acme/teams/vip")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(inUse.statusCode()).isEqualTo(409);
    }

    private static HttpResponse<String> put(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String reason(List<LeadEvent> events, String contact) {
        return events.stream().filter(e -> e.getContact().equals(contact) && e.getPayload() instanceof LeadAssigned)
                .map(e -> ((LeadAssigned) e.getPayload()).getReason()).findFirst().orElseThrow();
    }

    private static ObjectNode crmLead(String phone) {
        return portal.leads().values().stream().filter(l -> l.path("PHONE").get(0).path("VALUE").asText().equals(phone))
                .findFirst().orElseThrow();
    }

    private static String crmOwner(String phone) {
        return portal.leads().values().stream().filter(l -> l.path("PHONE").get(0).path("VALUE").asText().equals(phone))
                .findFirst().map(l -> l.path("ASSIGNED_BY_ID").asText()).orElse("");
    }

    private static String summary(String entryId, String client, String line, String extension, Instant at, boolean answered) {
        return VendorPayloads.mangoSummary(entryId, true, client, extension, line, at, answered ? at.plusSeconds(5) : null, at.plusSeconds(65));
    }

    private static void send(WebhookRequest request) throws Exception {
        assertThat(request.send(HTTP, base, Duration.ofSeconds(15)).statusCode()).isEqualTo(200);
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** The lead log once it holds {@code n} assignments (the routers answer within moments; the script waits like a day would). */
    private static List<LeadEvent> awaitAssignments(int n) {
        Topic<ContactKey, LeadEvent> topic = topics.leadEvents();
        List<ConsumerRecord<ContactKey, LeadEvent>> records = KafkaTestBroker.readCommittedUntil(KAFKA.bootstrapServers(), topic.name(),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer(),
                r -> r.stream().filter(e -> e.value().getPayload() instanceof LeadAssigned).count() >= n, Duration.ofSeconds(60), Duration.ZERO);
        List<LeadEvent> events = records.stream().map(ConsumerRecord::value).toList();
        assertThat(events.stream().filter(e -> e.getPayload() instanceof LeadAssigned)).hasSize(n);
        return events;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what + "; the portal saw " + portal.calls);
            }
            Thread.sleep(100);
        }
    }
}
