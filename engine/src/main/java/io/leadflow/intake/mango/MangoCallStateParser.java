package io.leadflow.intake.mango;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.PhoneNumbers;
import io.leadflow.intake.RawEventParser;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Mango {@code events/call}: the states of one call leg ({@code call_id}), numbered by {@code seq}. Mango
 * delivers them in parallel, so they arrive out of order; the latest state wins: a state marks every
 * lower {@code seq} of its leg as superseded, and a lower one arriving afterwards is dropped like a
 * redelivery. A call still in progress (appeared, connected, on hold) becomes a {@code RINGING} call
 * event — a live signal, not a lead fact; the outcome comes from {@code events/summary}.
 */
final class MangoCallStateParser implements RawEventParser {
    private static final Set<String> IN_PROGRESS = Set.of("Appeared", "Connected", "OnHold");

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        JsonNode event = MangoJson.of(envelope);
        String callId = MangoJson.text(event, "call_id");
        long seq = MangoJson.integer(event, "seq", 0);
        List<String> older = new ArrayList<>();
        for (long s = 1; s < seq; s++) {
            older.add("mango:call:" + callId + ":" + s);
        }
        Parsed parsed = inProgress(envelope, tenant, event).map(Parsed::of).orElse(Parsed.NOTHING);
        return parsed.superseding(older);
    }

    private static Optional<CallEvent> inProgress(RawEnvelope envelope, TenantConfig tenant, JsonNode event) {
        if (!IN_PROGRESS.contains(event.path("call_state").asText())) {
            return Optional.empty();
        }
        // an employee's side has an extension; the client's side only a number
        boolean outbound = event.path("from").hasNonNull("extension");
        JsonNode client = event.path(outbound ? "to" : "from");
        Optional<String> contact = PhoneNumbers.toE164(client.path("number").asText(null), tenant.region());
        if (contact.isEmpty()) {
            return Optional.empty(); // between employees, or a hidden number: nobody to make a lead of
        }
        String line = event.path("to").path("line_number").asText(null);
        long offset = tenant.mango() == null ? 0 : tenant.mango().timeOffsetSeconds();
        return Optional.of(CallEvent.newBuilder()
                .setEventId(envelope.getDedupeKey())
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.MANGO)
                .setCallId(MangoJson.text(event, "entry_id"))
                .setContact(contact.get())
                .setLine(line == null ? null : PhoneNumbers.toE164(line, tenant.region()).orElse(line))
                .setDirection(outbound ? CallDirection.OUTBOUND : CallDirection.INBOUND)
                .setStatus(CallStatus.RINGING)
                .setExtension(event.path(outbound ? "from" : "to").path("extension").asText(null))
                .setStartedAt(Instant.ofEpochSecond(MangoJson.requiredEpoch(event, "timestamp") + offset))
                .setRawRequestId(envelope.getRequestId())
                .build());
    }
}
