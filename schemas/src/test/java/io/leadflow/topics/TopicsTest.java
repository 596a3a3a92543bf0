package io.leadflow.topics;

import io.leadflow.avro.LeadState;
import io.leadflow.registry.client.InMemorySchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {
    @Test
    void everyValueSchemaIsRegisteredBeforeTheEngineStartsAndNoKeySchemaEver() {
        SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        Topics topics = new Topics(registry, Map.of("schema.registry.url", "unused"));
        topics.storeValueSerde("lead-state-store", LeadState.class);

        topics.registerSchemas("leadflow-engine");

        assertThat(registry.getSubjects()).contains(Topics.LEAD_EVENTS + "-value", Topics.TEAM_LEDGER + "-value",
                "leadflow-engine-lead-state-store-changelog-value");
        assertThat(registry.getSubjects()).hasSize(topics.all().size() + 1).noneMatch(subject -> subject.endsWith("-key"));
    }
}
