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
}
