package io.leadflow.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadflowConfigTest {

    @Test
    void theBundledConfigurationHasTheDocumentedDemoTenant() {
        TenantConfig demo = LeadflowConfig.load(null).tenant("demo").orElseThrow();

        assertThat(demo.mango().apiKey()).isEqualTo("demo-key");
        assertThat(demo.mango().apiSalt()).isEqualTo("demo-salt");
        assertThat(demo.zone()).hasToString("Europe/Moscow");
        assertThat(demo.region()).isEqualTo("RU");
    }

    @Test
    void secretsComeFromTheEnvironment() throws Exception {
        String yaml = """
                tenants:
                  acme:
                    timeZone: Asia/Yekaterinburg
                    mango: {apiKey: "${ACME_KEY}", apiSalt: "${ACME_SALT:-fallback}"}
                """;

        var config = LeadflowConfig.parse(yaml, Map.of("ACME_KEY", "k-123")::get);

        var mango = config.tenant("acme").orElseThrow().mango();
        assertThat(mango.apiKey()).isEqualTo("k-123");
        assertThat(mango.apiSalt()).isEqualTo("fallback");
    }

    @Test
    void anUnsetVariableWithoutDefaultIsAnError() {
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {mango: {apiKey: '${NOPE}', apiSalt: s}}}", n -> null))
                .hasMessageContaining("${NOPE}");
    }

    @Test
    void mistakesFailAtLoadTime() {
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {timeZone: Mars/Olympus}}", n -> null))
                .hasMessageContaining("Mars/Olympus");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {timezone: UTC}}", n -> null))
                .hasMessageContaining("timezone");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {'Bad Tenant': {}}", n -> null))
                .hasMessageContaining("Bad Tenant");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {mango: {apiKey: k}}}", n -> null))
                .hasMessageContaining("apiSalt");
    }

    @Test
    void childFunnelsNameAFunnelOfTheTenantsLeadsListTheirPipelinesAndHaveOnlyCrmStages() throws Exception {
        String sales = "sales: {stages: [{id: created}, {id: won, crm: [WON]}]}";
        var config = LeadflowConfig.parse("tenants: {a: {funnels: {" + sales
                + ", logistics: {parent: sales, pipelines: ['9'], stages: [{id: requested, crm: ['C9:NEW']}]}}}}", n -> null);
        var funnels = config.tenant("a").orElseThrow().funnels();
        assertThat(FunnelConfig.childFunnelOf(funnels, "9")).contains("logistics");
        assertThat(FunnelConfig.funnelOf(funnels, "9")).isEqualTo("sales"); // a child's pipeline never moves the lead

        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {funnels: {" + sales
                + ", logistics: {parent: rental, pipelines: ['9'], stages: [{id: requested, crm: ['C9:NEW']}]}}}}", n -> null))
                .hasMessageContaining("rental");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {funnels: {" + sales
                + ", logistics: {parent: sales, stages: [{id: requested, crm: ['C9:NEW']}]}}}}", n -> null))
                .hasMessageContaining("pipelines");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {funnels: {" + sales
                + ", logistics: {parent: sales, pipelines: ['9'], stages: [{id: created}]}}}}", n -> null))
                .hasMessageContaining("CRM stages");
    }

    @Test
    void theAmoCrmSinkNeedsTheAccountTheTokenAndAFieldForTheLeadId() throws Exception {
        var amo = LeadflowConfig.parse("""
                tenants:
                  a:
                    amocrm: {secret: s, apiUrl: "https://acme.amocrm.ru", accessToken: t,
                             leads: {leadIdField: 777001, pipelineId: 11, statusId: 12}}
                """, n -> null).tenant("a").orElseThrow().amocrm();
        assertThat(amo.leads().leadIdField()).isEqualTo(777001L);
        assertThat(amo.leads().defaultUserId()).isNull(); // amoCRM makes the integration's user responsible

        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {amocrm: {secret: s, leads: {leadIdField: 1}}}}", n -> null))
                .hasMessageContaining("amocrm.apiUrl");
        assertThatThrownBy(() -> LeadflowConfig.parse(
                "tenants: {a: {amocrm: {secret: s, apiUrl: 'https://a.amocrm.ru', accessToken: t, leads: {}}}}", n -> null))
                .hasMessageContaining("leadIdField");
    }

    @Test
    void slaPoliciesDefaultToTwentyFourHoursAndReadTheirClocksHolidaysAndCallbacks() throws Exception {
        var sla = LeadflowConfig.parse("""
                tenants:
                  a:
                    sla:
                      holidays: ["2027-01-01"]
                      policies: {MISSED_CALL: {target: PT2H, clock: business, warnAt: [0.8, 0.5], reassignAfter: PT1H}}
                      callbacks: [PT10M, next-morning]
                """, n -> null).tenant("a").orElseThrow().sla();
        assertThat(sla.policyFor("MISSED_CALL").target()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(sla.policyFor("MISSED_CALL").clock()).isEqualTo(SlaConfig.Clock.BUSINESS);
        assertThat(sla.policyFor("MISSED_CALL").warnAt()).containsExactly(0.5, 0.8);
        assertThat(sla.policyFor("FORM").target()).as("the default policy").isEqualTo(java.time.Duration.ofHours(24));
        assertThat(sla.businessHours().exceptions()).containsEntry("2027-01-01", java.util.List.of());
        assertThat(sla.businessHours().weekly()).containsEntry("MON", java.util.List.of("09:00-18:00")).doesNotContainKey("SAT");
        assertThat(sla.callbacks()).containsExactly("PT10M", "next-morning");
        assertThat(LeadflowConfig.parse("tenants: {a: {}}", n -> null).tenant("a").orElseThrow().sla().callbacks())
                .containsExactly("PT15M", "PT1H", "next-morning");
    }

    @Test
    void slaAndAlertMistakesFailAtLoadTime() {
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {sla: {policies: {missed: {target: PT1H}}}}}", n -> null))
                .hasMessageContaining("sla.policies.missed is not one of");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {sla: {policies: {default: {warnAt: [1.5]}}}}}", n -> null))
                .hasMessageContaining("warnAt fractions must be between 0 and 1");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {sla: {policies: {default: {clock: lunar}}}}}", n -> null))
                .hasMessageContaining("'calendar' or 'business'");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {sla: {callbacks: [soon]}}}", n -> null))
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {alerts: {language: de}}}", n -> null))
                .hasMessageContaining("alerts.language must be one of");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {alerts: {webhook: {url: 'http://x'}}}}", n -> null))
                .hasMessageContaining("alerts.webhook.secret is required");
        assertThatThrownBy(() -> LeadflowConfig.parse("tenants: {a: {roster: {teams: {s: {lead: nobody}}}}}", n -> null))
                .hasMessageContaining("roster.teams.s.lead names manager 'nobody'");
    }
}
