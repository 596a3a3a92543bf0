package io.leadflow.intake.amocrm;

import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.testing.RawEnvelopes;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmoCrmStageParserTest {
    private static final TenantConfig TENANT = new TenantConfig(null, null, null, null, null, null, new TenantConfig.AmoCrmConfig("s"));
    private final AmoCrmStageParser parser = new AmoCrmStageParser();

    private List<CrmStageChange> parse(Map<String, String> form) {
        var request = new VendorRequests("acme", TENANT).amocrm(form);
        return parser.parse(RawEnvelopes.of(Vendor.AMOCRM, "leads/status", "amocrm:x", request), TENANT).stageChanges();
    }

    @Test
    void eachLeadOfARequestIsAStageChangeAndTheSystemStatusesAreWonAndLost() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("leads[status][0][id]", "101");
        form.put("leads[status][0][status_id]", "142");
        form.put("leads[status][0][old_status_id]", "555");
        form.put("leads[status][0][pipeline_id]", "7");
        form.put("leads[status][0][responsible_user_id]", "9001");
        form.put("leads[status][0][last_modified]", "1716289407");
        form.put("leads[status][0][price]", "150000");
        form.put("leads[status][1][id]", "102");
        form.put("leads[status][1][status_id]", "143");
        form.put("leads[status][1][last_modified]", "1716289408");
        form.put("leads[status][2][id]", "103");
        form.put("leads[status][2][status_id]", "556");
        form.put("leads[status][2][last_modified]", "1716289409");

        List<CrmStageChange> changes = parse(form);

        assertThat(changes).extracting(CrmStageChange::getEntityId, CrmStageChange::getOutcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("101", StageOutcome.WON),
                org.assertj.core.groups.Tuple.tuple("102", StageOutcome.LOST),
                org.assertj.core.groups.Tuple.tuple("103", StageOutcome.OPEN));
        CrmStageChange won = changes.get(0);
        assertThat(won.getEntityType()).isEqualTo(CrmEntityType.DEAL);
        assertThat(won.getPreviousStageId()).isEqualTo("555");
        assertThat(won.getPipelineId()).isEqualTo("7");
        assertThat(won.getAmount()).isEqualTo(new BigDecimal("150000.00"));
        assertThat(won.getResponsibleUserId()).isEqualTo("9001");
        assertThat(won.getOccurredAt()).isEqualTo(Instant.ofEpochSecond(1716289407));
        assertThat(won.getEventId()).isEqualTo("amocrm:lead:101:142:1716289407");
    }

    @Test
    void aNewLeadIsAStageChangeIntoItsFirstStage() {
        List<CrmStageChange> changes = parse(Map.of("leads[add][0][id]", "200", "leads[add][0][status_id]", "555",
                "leads[add][0][last_modified]", "1716289407"));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.getStageId()).isEqualTo("555");
            assertThat(c.getPreviousStageId()).isNull();
            assertThat(c.getOutcome()).isEqualTo(StageOutcome.OPEN);
        });
    }

    @Test
    void updatesThatChangeNoStageYieldNothingAndAnEntryWithoutAStatusIsUnparseable() {
        assertThat(parse(Map.of("leads[update][0][id]", "101", "leads[update][0][price]", "5"))).isEmpty();
        assertThatThrownBy(() -> parse(Map.of("leads[status][0][id]", "101"))).isInstanceOf(UnparseableEvent.class)
                .hasMessageContaining("status_id");
    }

    @Test
    void aFetchedDealIsAStageChangeOfItsMainContactsNumberAndWithApiAccessTheWebhookItselfYieldsNothing() {
        TenantConfig withApi = new TenantConfig(null, "RU", null, null, null, null,
                new TenantConfig.AmoCrmConfig("s", "https://acme.amocrm.ru", "token", null, null, 777L));
        String fetched = """
                {"event": "leads/status",
                 "lead": {"id": 101, "price": 150000, "status_id": 142, "pipeline_id": 7, "responsible_user_id": 9001,
                          "updated_at": 1716289407, "_embedded": {"contacts": [{"id": 31, "is_main": true}]},
                          "custom_fields_values": [{"field_id": 776, "values": [{"value": "x"}]},
                                                   {"field_id": 777, "values": [{"value": "Turnkey house", "enum_id": 5}]}]},
                 "contact": {"id": 31, "custom_fields_values": [
                     {"field_code": "EMAIL", "values": [{"value": "client@example.org"}]},
                     {"field_code": "PHONE", "values": [{"value": "8 (916) 123-45-67", "enum_code": "WORK"}]}]}}""";
        var envelope = RawEnvelopes.pulled(Vendor.AMOCRM, "acme", "api/v4/leads", "amocrm:api:lead:101:1716289407:142", fetched);

        assertThat(parser.parse(envelope, withApi).stageChanges()).singleElement().satisfies(c -> {
            assertThat(c.getContact()).isEqualTo("+79161234567");
            assertThat(c.getOutcome()).isEqualTo(StageOutcome.WON);
            assertThat(c.getAmount()).isEqualTo(new BigDecimal("150000.00"));
            assertThat(c.getPipelineId()).isEqualTo("7");
            assertThat(c.getResponsibleUserId()).isEqualTo("9001");
            assertThat(c.getEventId()).isEqualTo("amocrm:lead:101:142:1716289407");
            assertThat(c.getProduct()).isEqualTo("Turnkey house");
        });
        var webhook = RawEnvelopes.of(Vendor.AMOCRM, "leads/status", "amocrm:x", new VendorRequests("acme", withApi).amocrm(
                Map.of("leads[status][0][id]", "101", "leads[status][0][status_id]", "142", "leads[status][0][last_modified]", "1716289407")));
        assertThat(parser.parse(webhook, withApi).stageChanges()).isEmpty();
    }

    @Test
    void aFetchedDealWithoutAStatusIsUnparseable() {
        var envelope = RawEnvelopes.pulled(Vendor.AMOCRM, "acme", "api/v4/leads", "amocrm:api:lead:101::", "{\"lead\": {\"id\": 101}}");
        assertThatThrownBy(() -> parser.parse(envelope, TENANT)).isInstanceOf(UnparseableEvent.class).hasMessageContaining("status_id");
    }
}
