package io.leadflow.connectors.gateway;

/**
 * What a vendor adapter learned from an authentic request.
 *
 * @param kind      the vendor's event kind, e.g. {@code events/summary}
 * @param stream    the key that keeps one call's (or one CRM entity's) events in order on one partition
 * @param dedupeKey the vendor-native identity of the event: a redelivery carries the same key
 * @param store     false for requests that carry no event (health pings, echo checks)
 */
public record VerifiedEvent(String kind, String stream, String dedupeKey, boolean store) {
    public static VerifiedEvent notStored(String kind) {
        return new VerifiedEvent(kind, kind, kind, false);
    }
}
