package io.leadflow.lead;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Lead ids derived from their inputs, so replaying the same log yields the same ids. */
public final class LeadIds {
    private LeadIds() {
    }

    /** A name-based UUID of the tenant, the contact and the event that opened the lead. */
    public static String of(String tenant, String contact, String openingEventId) {
        return UUID.nameUUIDFromBytes((tenant + '\n' + contact + '\n' + openingEventId).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
