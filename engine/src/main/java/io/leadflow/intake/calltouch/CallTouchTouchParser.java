package io.leadflow.intake.calltouch;

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
 * notified at its start and again at its end; both give the same touch id, so it is counted once.
 */
public final class CallTouchTouchParser implements RawEventParser {
    /** How CallTouch writes times when the tenant's own format does not match (seen in receivers). */
    static final String ISO_LOCAL = "yyyy-MM-dd HH:mm:ss";

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        CallTouchConfig config = tenant.calltouch();
        if (config == null) {
            throw new UnparseableEvent("tenant has no calltouch section");
        }
        boolean call = "call".equals(envelope.getKind());
        if (!call && !"request".equals(envelope.getKind())) {
            return Parsed.NOTHING;
        }
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
        return Parsed.of(Touch.newBuilder()
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
                .build());
    }

    @FunctionalInterface
    private interface Values {
        String get(String logical);
    }
}
