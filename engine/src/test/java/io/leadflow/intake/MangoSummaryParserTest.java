package io.leadflow.intake;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.mango.MangoParser;
import io.leadflow.intake.mango.MangoSummaryParser;
import io.leadflow.testing.MangoRequests;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MangoSummaryParserTest {
    private static final TenantConfig TENANT = new TenantConfig("Europe/Moscow", "RU",
            new TenantConfig.MangoConfig("demo-key", "demo-salt", 0));
    private final MangoSummaryParser parser = new MangoSummaryParser();

    @Test
    void vendorDocumentationExampleMapsToAnAnsweredInboundCall() {
        // the summary example from Mango's documentation, with a real mobile number as caller
        String json = "{\"entry_id\":\"232wc3e3w3s222\",\"call_direction\":1,\"from\":{\"number\":\"79161234567\"},"
                + "\"to\":{\"extension\":\"123\",\"number\":\"7800123456789\"},\"line_number\":\"74951234567\","
                + "\"create_time\":1399906976,\"forward_time\":1399906978,\"talk_time\":1399906980,\"end_time\":1399906990,"
                + "\"entry_result\":1,\"disconnect_reason\":1100}";

        CallEvent call = parse(json).get(0);

        assertThat(call.getDirection()).isEqualTo(CallDirection.INBOUND);
        assertThat(call.getStatus()).isEqualTo(CallStatus.ANSWERED);
        assertThat(call.getContact()).isEqualTo("+79161234567");
        assertThat(call.getLine()).isEqualTo("+74951234567");
        assertThat(call.getExtension()).isEqualTo("123");
        assertThat(call.getCallId()).isEqualTo("232wc3e3w3s222");
        assertThat(call.getStartedAt()).isEqualTo(Instant.ofEpochSecond(1399906976));
        assertThat(call.getAnsweredAt()).isEqualTo(Instant.ofEpochSecond(1399906980));
        assertThat(call.getWaitSeconds()).isEqualTo(4);
        assertThat(call.getTalkSeconds()).isEqualTo(10);
        assertThat(call.getDisconnectReason()).isEqualTo("1100");
        assertThat(call.getEventId()).isEqualTo("mango:summary:x");
    }

    @Test
    void talkTimeZeroIsAMissedCallEvenIfEntryResultSaysOne() {
        String json = MangoRequests.summaryJson("e", "79161234567", false, 1_700_000_000L).replace("\"entry_result\":0", "\"entry_result\":1");

        CallEvent call = parse(json).get(0);

        assertThat(call.getStatus()).isEqualTo(CallStatus.MISSED);
        assertThat(call.getAnsweredAt()).isNull();
        assertThat(call.getWaitSeconds()).isEqualTo(70);
    }

    @Test
    void numbersSentAsStringsAreAccepted() {
        String json = MangoRequests.summaryJson("e", "79161234567", true, 1_700_000_000L)
                .replace("\"create_time\":1700000000", "\"create_time\":\"1700000000\"");

        assertThat(parse(json).get(0).getStartedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void internalCallsAndOtherKindsYieldNothing() {
        String internal = MangoRequests.summaryJson("e", "79161234567", true, 1_700_000_000L).replace("\"call_direction\":1", "\"call_direction\":0");
        assertThat(parse(internal)).isEmpty();
        assertThat(new MangoParser().parse(envelope("events/recording", "{}"), TENANT)).isEqualTo(Parsed.NOTHING);
    }

    @Test
    void malformedSummariesNameTheProblem() {
        String base = MangoRequests.summaryJson("e", "79161234567", true, 1_700_000_000L);
        assertThatThrownBy(() -> parse(base.replace("\"create_time\":1700000000,", ""))).hasMessage("'create_time' is missing");
        assertThatThrownBy(() -> parse(base.replace("79161234567", "anonymous"))).hasMessageContaining("is not a phone number");
        assertThatThrownBy(() -> parse(base.replace("\"call_direction\":1", "\"call_direction\":7"))).hasMessageContaining("call_direction");
        assertThatThrownBy(() -> parse("[1,2]")).hasMessageContaining("not a JSON object");
    }

    private List<CallEvent> parse(String json) {
        return parser.parse(envelope("events/summary", json), TENANT).calls();
    }

    private static RawEnvelope envelope(String kind, String json) {
        return RawEnvelope.newBuilder()
                .setRequestId("r").setTenant("demo").setVendor(Vendor.MANGO).setKind(kind)
                .setReceivedAt(Instant.EPOCH).setMethod("POST").setPath("/p").setHeaders(Map.of())
                .setBody(ByteBuffer.wrap(MangoRequests.signedForm(json).getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true).setDedupeKey("mango:summary:x").build();
    }
}
