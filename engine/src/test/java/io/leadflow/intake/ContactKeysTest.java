package io.leadflow.intake;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.testing.MangoRequests;
import io.leadflow.testing.RawEnvelopes;
import io.leadflow.topics.Topics;
import io.leadflow.registry.client.InMemorySchemaRegistryClient;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's keys: a record lands on its contact's partition wherever the vendor names the caller. */
class ContactKeysTest {
    private static final LeadflowConfig CONFIG = LeadflowConfig.load(null);
    private static final VendorRequests DEMO = new VendorRequests("demo", CONFIG.tenant("demo").orElseThrow());
    private static final ContactKeys KEYS = new ContactKeys(CONFIG, IntakeTopology.parsers());
    private static final RawKey BY_STREAM = new RawKey("demo", "entry-1");

    @Test
    void aCallSummaryIsKeyedByItsCallerAsTheEngineKeysTheCallersLead() {
        RawEnvelope summary = RawEnvelopes.of(Vendor.MANGO, "events/summary", "mango:summary:entry-1",
                DEMO.mango("summary", MangoRequests.summaryJson("entry-1", "8 916 123-45-67", false, 1_763_600_000L)));

        RawKey key = KEYS.keyFor(summary, BY_STREAM);

        assertThat(key).isEqualTo(new RawKey("demo", "+79161234567"));
        // the same bytes as the contact's key on every other topic and store: the same partition, the same task
        Topics topics = new Topics(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "unused"));
        assertThat(topics.raw(Vendor.MANGO).keySerde().serializer().serialize("t", key))
                .isEqualTo(topics.leadEvents().keySerde().serializer().serialize("t", new io.leadflow.avro.ContactKey("demo", "+79161234567")));
    }

    @Test
    void aCrmChangeAndABodyTheParserRefusesKeepTheVendorsKey() {
        RawEnvelope crm = RawEnvelopes.of(Vendor.AMOCRM, "leads/status", "amocrm:101:142:1716289407",
                DEMO.amocrm(Map.of("leads[status][0][id]", "101", "leads[status][0][status_id]", "142",
                        "leads[status][0][last_modified]", "1716289407")));
        RawEnvelope garbage = RawEnvelope.newBuilder(RawEnvelopes.of(Vendor.MANGO, "events/summary", "mango:summary:x",
                DEMO.mango("summary", MangoRequests.summaryJson("x", "79161234567", false, 1_763_600_000L))))
                .setBody(ByteBuffer.wrap("not a form".getBytes(StandardCharsets.UTF_8))).build();

        assertThat(KEYS.keyFor(crm, BY_STREAM)).isEqualTo(BY_STREAM);
        assertThat(KEYS.keyFor(garbage, BY_STREAM)).isEqualTo(BY_STREAM);
    }
}
