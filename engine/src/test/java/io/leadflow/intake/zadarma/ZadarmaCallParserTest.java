package io.leadflow.intake.zadarma;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.testing.RawEnvelopes;
import io.leadflow.testing.ZadarmaSamples;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZadarmaCallParserTest {
    private static final TenantConfig MOSCOW = tenant("Europe/Moscow");
    private final ZadarmaCallParser parser = new ZadarmaCallParser();

    private static TenantConfig tenant(String zone) {
        return new TenantConfig(zone, "RU", null, new TenantConfig.ZadarmaConfig("test_secret"), null, null, null);
    }


    private Parsed parse(TenantConfig tenant, Map<String, String> fields) {
        var request = new VendorRequests("acme", tenant).zadarma(fields);
        return parser.parse(RawEnvelopes.of(Vendor.ZADARMA, fields.get("event"), "zadarma:x:" + fields.get("event"), request), tenant);
    }

    @Test
    void anAnsweredInboundCallIsReadInTheAccountsZone() {
        CallEvent call = parse(MOSCOW, ZadarmaSamples.notifyEnd("answered", "14")).calls().get(0);

        assertThat(call.getCallId()).isEqualTo("in_0892e63cb09c4d7a0550f77314fcd216156021ca");
        assertThat(call.getContact()).isEqualTo("+79161234567");
        assertThat(call.getLine()).isEqualTo("+74951234567");
        assertThat(call.getDirection()).isEqualTo(CallDirection.INBOUND);
        assertThat(call.getStatus()).isEqualTo(CallStatus.ANSWERED);
        assertThat(call.getExtension()).isEqualTo("100");
        assertThat(call.getStartedAt()).isEqualTo(Instant.parse("2024-05-21T11:03:27Z")); // 14:03:27 MSK
        assertThat(call.getTalkSeconds()).isEqualTo(14);
        assertThat(call.getEventId()).isEqualTo("zadarma:x:NOTIFY_END");
    }

    @Test
    void theSameNaiveTimeIsADifferentInstantInAnotherTenantsZone() {
        CallEvent call = parse(tenant("Asia/Vladivostok"), ZadarmaSamples.notifyEnd("answered", "14")).calls().get(0);

        assertThat(call.getStartedAt()).isEqualTo(Instant.parse("2024-05-21T04:03:27Z"));
    }

    @Test
    void anyOtherDispositionIsAMissedCall() {
        for (String disposition : new String[]{"no answer", "busy", "cancel"}) {
            CallEvent call = parse(MOSCOW, ZadarmaSamples.notifyEnd(disposition, "20")).calls().get(0);
            assertThat(call.getStatus()).isEqualTo(CallStatus.MISSED);
            assertThat(call.getTalkSeconds()).isZero();
            assertThat(call.getWaitSeconds()).isEqualTo(20);
            assertThat(call.getDisconnectReason()).isEqualTo(disposition + " (16)");
        }
    }

    @Test
    void anOutboundCallsContactIsTheDestination() {
        Map<String, String> out = new LinkedHashMap<>(Map.of("event", "NOTIFY_OUT_END", "internal", "100",
                "destination", "8 (916) 123-45-67", "call_start", "2024-05-21 15:00:00", "pbx_call_id", "out_1",
                "caller_id", "74951234567", "duration", "40", "disposition", "answered"));

        CallEvent call = parse(MOSCOW, out).calls().get(0);

        assertThat(call.getDirection()).isEqualTo(CallDirection.OUTBOUND);
        assertThat(call.getContact()).isEqualTo("+79161234567");
        assertThat(call.getExtension()).isEqualTo("100");
        assertThat(call.getLine()).isEqualTo("+74951234567");
    }

    @Test
    void notificationsBeforeTheEndYieldNothing() {
        Map<String, String> start = new LinkedHashMap<>(Map.of("event", "NOTIFY_START", "call_start", "2024-05-21 14:03:27",
                "pbx_call_id", "in_1", "caller_id", "79161234567", "called_did", "74951234567"));

        assertThat(parse(MOSCOW, start)).isEqualTo(Parsed.NOTHING);
    }

    @Test
    void malformedNotificationsNameTheProblem() {
        Map<String, String> badTime = ZadarmaSamples.notifyEnd("answered", "14");
        badTime.put("call_start", "21.05.2024 14:03");
        Map<String, String> hidden = ZadarmaSamples.notifyEnd("answered", "14");
        hidden.put("caller_id", "anonymous");

        assertThatThrownBy(() -> parse(MOSCOW, badTime)).isInstanceOf(UnparseableEvent.class).hasMessageContaining("call_start");
        assertThatThrownBy(() -> parse(MOSCOW, hidden)).isInstanceOf(UnparseableEvent.class).hasMessageContaining("'anonymous' is not a phone number");
    }
}
