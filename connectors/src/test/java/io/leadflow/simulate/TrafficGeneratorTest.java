package io.leadflow.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.VendorWebhooks;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.testing.Inbound;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficGeneratorTest {
    private static final Instant MONDAY = Instant.parse("2026-11-16T00:00:00Z");
    private static final TenantConfig DEMO = LeadflowConfig.load(null).tenant("demo").orElseThrow();
    private static final TenantConfig ZADARMA_ONLY = new TenantConfig("Asia/Yekaterinburg", "RU", null,
            new TenantConfig.ZadarmaConfig("zd-secret"), null, null, null);
    private static final Map<String, TenantConfig> TENANTS = Map.of("demo", DEMO, "zd", ZADARMA_ONLY);
    private static final Map<Vendor, VendorWebhook> WEBHOOKS = VendorWebhooks.all().stream()
            .collect(Collectors.toMap(VendorWebhook::vendor, Function.identity()));

    private static List<Delivery> week(long seed) {
        TrafficGenerator generator = new TrafficGenerator(TrafficModel.realistic(seed, 100), TENANTS, MONDAY);
        List<Delivery> deliveries = new ArrayList<>();
        for (Delivery d = generator.next(); d.sendAt().isBefore(MONDAY.plusSeconds(7 * 86_400)); d = generator.next()) {
            deliveries.add(d);
        }
        return deliveries;
    }

    @Test
    void theSameSeedGivesTheSameTrafficAndAnotherSeedDifferentTraffic() {
        assertThat(week(7)).isEqualTo(week(7));
        assertThat(week(8).get(0).request()).isNotEqualTo(week(7).get(0).request());
    }

    @Test
    void everyRequestIsSignedAsTheVendorWouldSignIt() {
        for (Delivery d : week(7)) {
            TenantConfig tenant = TENANTS.get(d.tenant());
            VerifiedEvent event = WEBHOOKS.get(d.vendor()).verify(tenant, Inbound.of(d.request()));
            assertThat(event.store()).isTrue();
        }
    }

    @Test
    void theTrafficHasTheShapeOfARealWeek() {
        List<Delivery> week = week(7);
        Map<Vendor, Long> byVendor = week.stream().collect(Collectors.groupingBy(Delivery::vendor, Collectors.counting()));
        assertThat(byVendor.keySet()).containsExactlyInAnyOrder(Vendor.MANGO, Vendor.ZADARMA, Vendor.CALLTOUCH, Vendor.AMOCRM);

        // office hours dominate, weekends are quiet (tenant zone: Moscow for demo)
        long workdayCalls = week.stream().filter(d -> d.produces() == Delivery.Produces.CALL)
                .filter(d -> d.sendAt().isBefore(MONDAY.plusSeconds(5 * 86_400))).count();
        long weekendCalls = week.stream().filter(d -> d.produces() == Delivery.Produces.CALL).count() - workdayCalls;
        assertThat(workdayCalls / 5.0).isGreaterThan(2.5 * weekendCalls / 2.0);

        // duplicates are exact copies of an earlier request
        List<Delivery> duplicates = week.stream().filter(Delivery::duplicate).toList();
        assertThat(duplicates).isNotEmpty();
        Set<Object> originals = week.stream().filter(d -> !d.duplicate()).map(Delivery::request).collect(Collectors.toSet());
        assertThat(duplicates).allSatisfy(d -> assertThat(originals).contains(d.request()));

        // deals are won with an amount, or lost
        List<String> finalStatuses = week.stream().filter(d -> d.vendor() == Vendor.AMOCRM)
                .map(d -> FormBody.parse(d.request().body().getBytes(StandardCharsets.UTF_8)).optional("leads[status][0][status_id]"))
                .filter(s -> "142".equals(s) || "143".equals(s)).toList();
        assertThat(finalStatuses).contains("142", "143");
    }

    @Test
    void theSameCallReachesLeadflowFromTheTrackerAndThePbxAndMangoStatesArriveOutOfOrder() throws Exception {
        List<Delivery> week = week(7);
        Set<String> pbxCallers = new HashSet<>();
        Set<String> trackedCallers = new HashSet<>();
        Map<String, Integer> lastSeq = new HashMap<>();
        boolean outOfOrder = false;
        ObjectMapper json = new ObjectMapper();
        for (Delivery d : week) {
            FormBody form = FormBody.parse(d.request().body().getBytes(StandardCharsets.UTF_8));
            if (d.vendor() == Vendor.MANGO && d.request().pathAndQuery().endsWith("/events/call")) {
                JsonNode event = json.readTree(form.optional("json"));
                int seq = event.get("seq").asInt();
                Integer before = lastSeq.put(event.get("call_id").asText(), seq);
                outOfOrder |= before != null && before > seq;
            } else if (d.vendor() == Vendor.MANGO) {
                pbxCallers.add(json.readTree(form.optional("json")).path("from").path("number").asText());
            } else if (d.vendor() == Vendor.CALLTOUCH && d.request().method().equals("GET")) {
                trackedCallers.add(FormBody.parse(d.request().pathAndQuery().split("\\?")[1].getBytes(StandardCharsets.UTF_8)).optional("callerphone"));
            }
        }
        assertThat(outOfOrder).isTrue();
        trackedCallers.retainAll(pbxCallers);
        assertThat(trackedCallers).isNotEmpty();
    }
}
