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
import io.leadflow.intake.UnparseableEvent;

import java.time.Instant;

/**
 * Mango Office {@code events/summary}, the final word on a call: direction, who called whom, when it was
 * created, answered ({@code talk_time}, 0 = no conversation) and ended, and {@code entry_result}
 * (1 answered, 0 missed).
 */
public final class MangoSummaryParser implements RawEventParser {
    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        JsonNode summary = MangoJson.of(envelope);
        CallDirection direction = switch ((int) MangoJson.integer(summary, "call_direction", -1)) {
            case 1 -> CallDirection.INBOUND;
            case 2 -> CallDirection.OUTBOUND;
            case 0 -> CallDirection.INTERNAL;
            default -> throw new UnparseableEvent("call_direction must be 0, 1 or 2");
        };
        if (direction == CallDirection.INTERNAL) {
            return Parsed.NOTHING; // between employees: no contact, no lead
        }
        boolean inbound = direction == CallDirection.INBOUND;
        JsonNode client = summary.path(inbound ? "from" : "to");
        JsonNode employee = summary.path(inbound ? "to" : "from");
        String contact = PhoneNumbers.toE164(client.path("number").asText(null), tenant.region())
                .orElseThrow(() -> new UnparseableEvent("client number '" + client.path("number").asText("")
                        + "' is not a phone number"));
        String lineText = summary.path("line_number").asText(null);
        String line = lineText == null ? null : PhoneNumbers.toE164(lineText, tenant.region()).orElse(lineText);

        long offset = tenant.mango() == null ? 0 : tenant.mango().timeOffsetSeconds();
        long created = MangoJson.requiredEpoch(summary, "create_time");
        long talk = MangoJson.integer(summary, "talk_time", 0);
        long end = MangoJson.integer(summary, "end_time", 0);
        boolean answered = MangoJson.integer(summary, "entry_result", 0) == 1 && talk > 0;
        long waitUntil = answered ? talk : end;

        return Parsed.of(CallEvent.newBuilder()
                .setEventId(envelope.getDedupeKey())
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.MANGO)
                .setCallId(MangoJson.text(summary, "entry_id"))
                .setContact(contact)
                .setLine(line)
                .setDirection(direction)
                .setStatus(answered ? CallStatus.ANSWERED : CallStatus.MISSED)
                .setExtension(employee.path("extension").asText(null))
                .setStartedAt(Instant.ofEpochSecond(created + offset))
                .setAnsweredAt(answered ? Instant.ofEpochSecond(talk + offset) : null)
                .setEndedAt(end > 0 ? Instant.ofEpochSecond(end + offset) : null)
                .setTalkSeconds(answered && end >= talk ? (int) (end - talk) : 0)
                .setWaitSeconds(waitUntil >= created ? (int) (waitUntil - created) : 0)
                .setDisconnectReason(summary.path("disconnect_reason").asText(null))
                .setRawRequestId(envelope.getRequestId())
                .build());
    }
}
