package io.leadflow.intake.calltouch;

import io.leadflow.avro.Touch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.CallTouchConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.testing.RawEnvelopes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallTouchTouchParserTest {
    private static final TenantConfig TENANT = tenant(Map.of());
    private final CallTouchTouchParser parser = new CallTouchTouchParser();

    private static TenantConfig tenant(Map<String, String> fields) {
        return new TenantConfig("Europe/Moscow", "RU", null, null, new CallTouchConfig("s", List.of(), fields, null), null, null);
    }

    private static Map<String, String> call() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", "501234567");
        params.put("callerphone", "79161234567");
        params.put("phonenumber", "74951234567");
        params.put("calltime", "21/05/2024 9:03:27");
        params.put("source", "yandex");
        params.put("medium", "cpc");
        params.put("utm_campaign", "brand");
        params.put("keyword", "ремонт квартир");
        params.put("url", "https://site.ru/?utm_source=yandex");
        params.put("city", "Москва");
        return params;
    }

    private Touch parse(TenantConfig tenant, String kind, Map<String, String> params, boolean post) {
        var request = new VendorRequests("acme", tenant).calltouch(params, post);
        return parser.parse(RawEnvelopes.of(Vendor.CALLTOUCH, kind, "calltouch:x", request), tenant).touches().get(0);
    }

    @Test
    void aTrackedCallBecomesACallTouchWithItsSource() {
        Touch touch = parse(TENANT, "call", call(), false);

        assertThat(touch.getTouchId()).isEqualTo("calltouch:call:501234567");
        assertThat(touch.getChannel()).isEqualTo(TouchChannel.CALL);
        assertThat(touch.getContact()).isEqualTo("+79161234567");
        assertThat(touch.getLine()).isEqualTo("+74951234567");
        assertThat(touch.getOccurredAt()).isEqualTo(Instant.parse("2024-05-21T06:03:27Z")); // un-padded hour, MSK
        assertThat(touch.getSource()).isEqualTo("yandex");
        assertThat(touch.getMedium()).isEqualTo("cpc");
        assertThat(touch.getCampaign()).isEqualTo("brand");
        assertThat(touch.getKeyword()).isEqualTo("ремонт квартир");
        assertThat(touch.getCity()).isEqualTo("Москва");
    }

    @Test
    void theStartAndEndNotificationOfOneCallGiveTheSameTouchId() {
        Map<String, String> end = call();
        end.put("duration", "95");

        assertThat(parse(TENANT, "call", end, true).getTouchId()).isEqualTo(parse(TENANT, "call", call(), false).getTouchId());
    }

    @Test
    void callTimeMayBeEpochSecondsOrIsoLocal() {
        Map<String, String> epoch = call();
        epoch.put("calltime", "1716289407");
        Map<String, String> iso = call();
        iso.put("calltime", "2024-05-21 14:03:27");

        assertThat(parse(TENANT, "call", epoch, false).getOccurredAt()).isEqualTo(Instant.ofEpochSecond(1716289407));
        assertThat(parse(TENANT, "call", iso, false).getOccurredAt()).isEqualTo(Instant.parse("2024-05-21T11:03:27Z"));
    }

    @Test
    void aFormRequestIsAFormTouch() {
        Touch touch = parse(TENANT, "request", Map.of("requestid", "77", "callerphone", "+7 (916) 123-45-67", "source", "google"), true);

        assertThat(touch.getTouchId()).isEqualTo("calltouch:request:77");
        assertThat(touch.getChannel()).isEqualTo(TouchChannel.FORM);
        assertThat(touch.getContact()).isEqualTo("+79161234567");
        assertThat(touch.getOccurredAt()).isEqualTo(RawEnvelopes.RECEIVED); // no time sent: when it was received
    }

    @Test
    void theTenantsParameterNamesAreHonoured() {
        TenantConfig renamed = tenant(Map.of("callerPhone", "client_phone", "source", "utm_source"));

        Touch touch = parse(renamed, "call", Map.of("id", "1", "client_phone", "89161234567", "utm_source", "vk"), false);

        assertThat(touch.getContact()).isEqualTo("+79161234567");
        assertThat(touch.getSource()).isEqualTo("vk");
    }

    @Test
    void aNotificationWithoutAUsablePhoneIsUnparseable() {
        Map<String, String> noPhone = call();
        noPhone.remove("callerphone");
        Map<String, String> badTime = call();
        badTime.put("calltime", "yesterday");

        assertThatThrownBy(() -> parse(TENANT, "call", noPhone, false)).isInstanceOf(UnparseableEvent.class).hasMessageContaining("callerphone");
        assertThatThrownBy(() -> parse(TENANT, "call", badTime, false)).isInstanceOf(UnparseableEvent.class).hasMessageContaining("calltime");
    }

    @Test
    void aDiaryCallRecordIsTheSameTouchAsItsNotification() {
        String record = "{\"callId\":501234567,\"date\":\"21/05/2024 14:03:27\",\"timestamp\":1716289407,"
                + "\"callerNumber\":\"79161234567\",\"phoneNumber\":\"74951234567\",\"duration\":95,\"successful\":true,"
                + "\"source\":\"yandex\",\"medium\":\"cpc\",\"utmCampaign\":\"brand\",\"keyword\":\"ремонт квартир\","
                + "\"city\":\"Москва\",\"url\":\"https://site.ru/\",\"sessionId\":987654321}";

        Touch touch = parser.parse(RawEnvelopes.pulled(Vendor.CALLTOUCH, "acme", "diary/call", "calltouch:call:501234567:end", record),
                TENANT).touches().get(0);

        assertThat(touch.getTouchId()).isEqualTo(parse(TENANT, "call", call(), false).getTouchId());
        assertThat(touch.getContact()).isEqualTo("+79161234567");
        assertThat(touch.getLine()).isEqualTo("+74951234567");
        assertThat(touch.getOccurredAt()).isEqualTo(Instant.ofEpochSecond(1716289407));
        assertThat(touch.getCampaign()).isEqualTo("brand");
        assertThat(touch.getSessionId()).isEqualTo("987654321");
    }

    @Test
    void aDiaryRecordWithoutTimestampIsReadInTheTenantsZoneAndARequestTakesItsFirstPhone() {
        String call = "{\"callId\":1,\"date\":\"21/05/2024 9:03:27\",\"callerNumber\":\"89161234567\"}";
        String request = "{\"requestId\":77,\"date\":1716289407000,\"client\":{\"phones\":[{\"phoneNumber\":\"+7 (916) 123-45-67\"}]},"
                + "\"session\":{\"source\":\"google\",\"medium\":\"cpc\"}}";

        Touch fromCall = parser.parse(RawEnvelopes.pulled(Vendor.CALLTOUCH, "acme", "diary/call", "k1", call), TENANT).touches().get(0);
        Touch fromRequest = parser.parse(RawEnvelopes.pulled(Vendor.CALLTOUCH, "acme", "diary/request", "k2", request), TENANT).touches().get(0);

        assertThat(fromCall.getOccurredAt()).isEqualTo(Instant.parse("2024-05-21T06:03:27Z"));
        assertThat(fromRequest.getTouchId()).isEqualTo("calltouch:request:77");
        assertThat(fromRequest.getChannel()).isEqualTo(TouchChannel.FORM);
        assertThat(fromRequest.getContact()).isEqualTo("+79161234567");
        assertThat(fromRequest.getSource()).isEqualTo("google");
        assertThatThrownBy(() -> parser.parse(RawEnvelopes.pulled(Vendor.CALLTOUCH, "acme", "diary/call", "k3", "[]"), TENANT))
                .isInstanceOf(UnparseableEvent.class).hasMessageContaining("not a JSON object");
    }
}
