package io.leadflow.intake.calltouch;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.Touch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.CallTouchConfig;
import io.leadflow.connectors.calltouch.CallTouchFields;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.PhoneNumbers;
import io.leadflow.intake.RawEventParser;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.intake.VendorValues;

import java.time.Instant;

/**
 * CallTouch notifications of tracked calls and form requests → marketing touches: who (the caller), when,
 * on which substitution number, from which source. Parameter names follow the tenant's mapping. A call is
 * notified at its start and again at its end, and may be pulled from the calls diary later: all give the
 * same touch id, so it is counted once. Diary records ({@code diary/call}, {@code diary/request}) are
 * CallTouch's JSON as its API returns it.
 */
public final class CallTouchTouchParser implements RawEventParser {
    /** How CallTouch writes times when the tenant's own format does not match (seen in receivers). */
    static final String ISO_LOCAL = "yyyy-MM-dd HH:mm:ss";
    /** The calls diary's {@code date}: day first, hour not zero-padded. */
    static final String DIARY_TIME = "dd/MM/yyyy H:mm:ss";

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        CallTouchConfig config = tenant.calltouch();
        if (config == null) {
            throw new UnparseableEvent("tenant has no calltouch section");
        }
        return switch (envelope.getKind()) {
            case "diary/call" -> Parsed.of(diaryCall(envelope, tenant, VendorValues.jsonObject(envelope)));
            case "diary/request" -> Parsed.of(diaryRequest(envelope, tenant, VendorValues.jsonObject(envelope)));
            case "call", "request" -> Parsed.of(notification(envelope, tenant, config, "call".equals(envelope.getKind())));
            default -> Parsed.NOTHING;
        };
    }

    private static Touch notification(RawEnvelope envelope, TenantConfig tenant, CallTouchConfig config, boolean call) {
        FormBody params = VendorValues.form(envelope);
        Values values = logical -> VendorValues.blankToNull(params.optional(CallTouchFields.name(config, logical)));

        String caller = values.get("callerPhone");
        if (caller == null) {
            throw new UnparseableEvent("no caller phone ('" + CallTouchFields.name(config, "callerPhone") + "')");
        }
        String contact = PhoneNumbers.toE164(caller, tenant.region())
                .orElseThrow(() -> new UnparseableEvent("caller '" + caller + "' is not a phone number"));
        String time = values.get("callTime");
        Instant occurredAt = time == null ? envelope.getReceivedAt()
                : VendorValues.time(time, CallTouchFields.name(config, "callTime"), tenant.zone(), config.timeFormat(), ISO_LOCAL);
        String tracking = values.get("trackingNumber");

        String id = call ? values.get("callId") : values.get("requestId");
        String touchId = call
                ? "calltouch:call:" + (id != null ? id : caller + "@" + time)
                : "calltouch:request:" + id;
        return Touch.newBuilder()
                .setTouchId(touchId)
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.CALLTOUCH)
                .setContact(contact)
                .setChannel(call ? TouchChannel.CALL : TouchChannel.FORM)
                .setOccurredAt(occurredAt)
                .setCallId(call ? id : null)
                .setLine(tracking == null ? null : PhoneNumbers.toE164(tracking, tenant.region()).orElse(tracking))
                .setSource(values.get("source"))
                .setMedium(values.get("medium"))
                .setCampaign(values.get("campaign"))
                .setContent(values.get("content"))
                .setTerm(values.get("term"))
                .setKeyword(values.get("keyword"))
                .setLandingPage(values.get("landingPage"))
                .setCity(values.get("city"))
                .setSessionId(values.get("sessionId"))
                .setAnswered(call ? VendorValues.bool(values.get("status")).orElse(null) : null)
                .build();
    }

    /** A calls-diary record: {@code callId}, {@code callerNumber}, {@code phoneNumber}, {@code timestamp} or {@code date}, traffic source. */
    private static Touch diaryCall(RawEnvelope envelope, TenantConfig tenant, JsonNode call) {
        String id = VendorValues.text(call, "callId");
        if (id == null) {
            throw new UnparseableEvent("diary record has no callId");
        }
        String time = call.path("timestamp").asLong(0) > 0 ? call.path("timestamp").asText() : VendorValues.text(call, "date");
        Touch.Builder touch = touch(envelope, tenant, "calltouch:call:" + id, TouchChannel.CALL, VendorValues.text(call, "callerNumber"),
                VendorValues.time(time, "date", tenant.zone(), DIARY_TIME), call)
                .setCallId(id)
                .setAnswered(VendorValues.bool(VendorValues.text(call, "successful")).orElse(null));
        String tracking = VendorValues.text(call, "phoneNumber");
        return touch.setLine(tracking == null ? null : PhoneNumbers.toE164(tracking, tenant.region()).orElse(tracking)).build();
    }

    /** A form request: {@code requestId}, {@code date} (epoch millis), {@code client.phones[]}, {@code session{...}}. */
    private static Touch diaryRequest(RawEnvelope envelope, TenantConfig tenant, JsonNode request) {
        String id = VendorValues.text(request, "requestId");
        if (id == null) {
            throw new UnparseableEvent("request has no requestId");
        }
        String phone = null;
        for (JsonNode p : request.path("client").path("phones")) {
            phone = phone != null ? phone : VendorValues.text(p, "phoneNumber");
        }
        return touch(envelope, tenant, "calltouch:request:" + id, TouchChannel.FORM, phone,
                VendorValues.time(request.path("date").asText(null), "date", tenant.zone(), DIARY_TIME), request.path("session"))
                .build();
    }

    /** The fields diary calls and requests share; {@code source} holds the traffic-source fields. */
    private static Touch.Builder touch(RawEnvelope envelope, TenantConfig tenant, String touchId, TouchChannel channel,
                                       String phone, Instant at, JsonNode source) {
        if (phone == null) {
            throw new UnparseableEvent("no client phone in " + touchId);
        }
        String contact = PhoneNumbers.toE164(phone, tenant.region())
                .orElseThrow(() -> new UnparseableEvent("client phone '" + phone + "' is not a phone number"));
        return Touch.newBuilder()
                .setTouchId(touchId)
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.CALLTOUCH)
                .setContact(contact)
                .setChannel(channel)
                .setOccurredAt(at)
                .setSource(VendorValues.text(source, "source"))
                .setMedium(VendorValues.text(source, "medium"))
                .setCampaign(VendorValues.text(source, "utmCampaign"))
                .setContent(VendorValues.text(source, "utmContent"))
                .setTerm(VendorValues.text(source, "utmTerm"))
                .setKeyword(VendorValues.text(source, "keyword"))
                .setLandingPage(VendorValues.text(source, "url"))
                .setCity(VendorValues.text(source, "city"))
                .setSessionId(VendorValues.text(source, "sessionId"));
    }

    @FunctionalInterface
    private interface Values {
        String get(String logical);
    }
}
