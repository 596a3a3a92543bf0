package io.leadflow.intake.bitrix24;

import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.testing.RawEnvelopes;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Bitrix24StageParserTest {
    private static final TenantConfig TENANT = new TenantConfig(null, null, null, null, null,
            new TenantConfig.Bitrix24Config("t", "http://portal/rest/1/k/", null, null, "UF_CRM_PRODUCT"), null);
    private final Bitrix24StageParser parser = new Bitrix24StageParser();

    private Parsed parse(String kind, String json) {
        return parser.parse(RawEnvelopes.pulled(Vendor.BITRIX24, "acme", kind, "k", json), TENANT);
    }

    @Test
    void aFetchedWonDealIsAStageChangeWithItsAmountAndTheContactsPhone() {
        CrmStageChange change = parse("rest/crm.deal.get", """
                {"event":"ONCRMDEALUPDATE","ts":"1716289407",
                 "deal":{"ID":"4711","STAGE_ID":"C1:WON","STAGE_SEMANTIC_ID":"S","CATEGORY_ID":"1","OPPORTUNITY":"150000.00",
                         "CURRENCY_ID":"RUB","ASSIGNED_BY_ID":"9","CONTACT_ID":"31","DATE_MODIFY":"2024-05-21T14:03:27+03:00",
                         "UF_CRM_PRODUCT":["Bathhouse","Sauna"]},
                 "contact":{"ID":"31","PHONE":[{"ID":"1","VALUE":"8 (916) 123-45-67","VALUE_TYPE":"WORK"}]}}""")
                .stageChanges().get(0);

        assertThat(change.getEventId()).isEqualTo("bitrix24:deal:4711:C1:WON");
        assertThat(change.getEntityType()).isEqualTo(CrmEntityType.DEAL);
        assertThat(change.getStageId()).isEqualTo("C1:WON");
        assertThat(change.getPipelineId()).isEqualTo("1");
        assertThat(change.getOutcome()).isEqualTo(StageOutcome.WON);
        assertThat(change.getAmount()).isEqualTo(new BigDecimal("150000.00"));
        assertThat(change.getCurrency()).isEqualTo("RUB");
        assertThat(change.getContact()).isEqualTo("+79161234567");
        assertThat(change.getOccurredAt()).isEqualTo(Instant.parse("2024-05-21T11:03:27Z"));
        assertThat(change.getProduct()).isEqualTo("Bathhouse"); // the tenant's productField, a multiple field's first value
    }

    @Test
    void aLeadCarriesItsOwnPhoneAndAFailedStatusIsLost() {
        CrmStageChange change = parse("rest/crm.lead.get", """
                {"event":"ONCRMLEADUPDATE","lead":{"ID":"12","STATUS_ID":"JUNK","STATUS_SEMANTIC_ID":"F",
                 "PHONE":[{"VALUE":"+79161234567","VALUE_TYPE":"MOBILE"}],"DATE_MODIFY":"2024-05-21T14:03:27+03:00"}}""")
                .stageChanges().get(0);

        assertThat(change.getEntityType()).isEqualTo(CrmEntityType.LEAD);
        assertThat(change.getOutcome()).isEqualTo(StageOutcome.LOST);
        assertThat(change.getContact()).isEqualTo("+79161234567");
    }

    @Test
    void bareEventsYieldNothingAndAFetchWithoutAStageIsUnparseable() {
        assertThat(parse("ONCRMDEALUPDATE", "{}")).isEqualTo(Parsed.NOTHING);
        assertThatThrownBy(() -> parse("rest/crm.deal.get", "{\"deal\":{\"ID\":\"1\"}}"))
                .isInstanceOf(UnparseableEvent.class).hasMessageContaining("STAGE_ID");
    }
}
