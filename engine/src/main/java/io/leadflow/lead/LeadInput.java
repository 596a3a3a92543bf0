package io.leadflow.lead;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.Touch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;

import java.time.Instant;
import java.util.Optional;

/**
 * A contact reaching the company, whoever reported it: an inbound PBX call (answered or missed), a call
 * the call tracker saw, or a form request. What the lead lifecycle decides on.
 *
 * @param id         the canonical event's id (the lead event's cause)
 * @param tracker    reported by call tracking rather than by the PBX
 * @param missed     null when the reporter does not say (a tracker's call-start notification, a form)
 * @param answeredBy the extension that answered, when the PBX says
 * @param marketing  where the contact came from, when the call tracker says
 */
public record LeadInput(String id, String tenant, String contact, Instant at, TouchChannel channel, Vendor vendor,
                        boolean tracker, String callId, String line, Boolean missed, String answeredBy, int talkSeconds,
                        MarketingSource marketing) {

    /** Inbound calls with an outcome; ringing and outbound calls are not touches (outbound ones are response evidence). */
    public static Optional<LeadInput> of(CallEvent call) {
        boolean outcome = call.getStatus() == CallStatus.ANSWERED || call.getStatus() == CallStatus.MISSED;
        if (call.getDirection() != CallDirection.INBOUND || !outcome) {
            return Optional.empty();
        }
        boolean missed = call.getStatus() == CallStatus.MISSED;
        return Optional.of(new LeadInput(call.getEventId(), call.getTenant(), call.getContact(), call.getStartedAt(),
                TouchChannel.CALL, call.getVendor(), false, call.getCallId(), call.getLine(), missed,
                missed ? null : call.getExtension(), call.getTalkSeconds(), null));
    }

    public static LeadInput of(Touch touch) {
        return new LeadInput(touch.getTouchId(), touch.getTenant(), touch.getContact(), touch.getOccurredAt(), touch.getChannel(),
                touch.getVendor(), touch.getChannel() == TouchChannel.CALL, touch.getCallId(), touch.getLine(),
                touch.getAnswered() == null ? null : !touch.getAnswered(), null, 0, marketing(touch));
    }

    private static MarketingSource marketing(Touch touch) {
        if (touch.getSource() == null && touch.getMedium() == null && touch.getCampaign() == null) {
            return null;
        }
        return new MarketingSource(touch.getSource(), touch.getMedium(), touch.getCampaign(), touch.getContent(), touch.getTerm(),
                touch.getKeyword(), touch.getLandingPage(), touch.getCity());
    }

    public boolean isCall() {
        return channel == TouchChannel.CALL;
    }

    public ContactKey key() {
        return new ContactKey(tenant, contact);
    }
}
