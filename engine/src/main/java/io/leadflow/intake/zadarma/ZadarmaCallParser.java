package io.leadflow.intake.zadarma;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.PhoneNumbers;
import io.leadflow.intake.RawEventParser;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.intake.VendorValues;

import java.time.Instant;

/**
 * Zadarma / Novofon {@code NOTIFY_END} (an inbound call ended) and {@code NOTIFY_OUT_END} (an outbound
 * call ended) carry the call's outcome: {@code disposition} ({@code answered}, {@code busy},
 * {@code no answer}, ...), {@code duration} and {@code call_start}, a naive time of the account's zone.
 * The start, answer and record notifications say nothing final and yield nothing.
 */
public final class ZadarmaCallParser implements RawEventParser {
    static final String CALL_START_FORMAT = "yyyy-MM-dd HH:mm:ss";

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        boolean inbound = "NOTIFY_END".equals(envelope.getKind());
        if (!inbound && !"NOTIFY_OUT_END".equals(envelope.getKind())) {
            return Parsed.NOTHING;
        }
        FormBody form = VendorValues.form(envelope);
        String clientField = inbound ? "caller_id" : "destination";
        String client = VendorValues.required(form, clientField);
        String contact = PhoneNumbers.toE164(client, tenant.region())
                .orElseThrow(() -> new UnparseableEvent(clientField + " '" + client + "' is not a phone number"));
        String lineText = form.optional(inbound ? "called_did" : "caller_id");
        String line = lineText == null || lineText.isBlank() ? null : PhoneNumbers.toE164(lineText, tenant.region()).orElse(lineText);

        Instant start = VendorValues.time(form.optional("call_start"), "call_start", tenant.zone(), CALL_START_FORMAT);
        int duration = VendorValues.integer(form.optional("duration"), "duration");
        String disposition = form.optional("disposition");
        boolean answered = "answered".equals(disposition);
        String statusCode = form.optional("status_code");

        return Parsed.of(CallEvent.newBuilder()
                .setEventId(envelope.getDedupeKey())
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.ZADARMA)
                .setCallId(VendorValues.required(form, "pbx_call_id"))
                .setContact(contact)
                .setLine(line)
                .setDirection(inbound ? CallDirection.INBOUND : CallDirection.OUTBOUND)
                .setStatus(answered ? CallStatus.ANSWERED : CallStatus.MISSED)
                .setExtension(VendorValues.blankToNull(form.optional("internal")))
                .setStartedAt(start)
                .setEndedAt(start.plusSeconds(duration))
                // Zadarma reports one duration; for an answered call it is the conversation
                .setTalkSeconds(answered ? duration : 0)
                .setWaitSeconds(answered ? 0 : duration)
                .setDisconnectReason(disposition == null ? statusCode : statusCode == null ? disposition : disposition + " (" + statusCode + ")")
                .setRawRequestId(envelope.getRequestId())
                .build());
    }
}
