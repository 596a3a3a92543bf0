package io.leadflow.connectors.gateway;

/**
 * What a vendor adapter learned from an authentic request.
 *
 * @param kind      the vendor's event kind, e.g. {@code events/summary}
 * @param stream    the key that keeps one call's (or one CRM entity's) events in order on one partition
 * @param dedupeKey the vendor-native identity of the event: a redelivery carries the same key
 * @param store     false for requests that carry no event (health pings, echo checks)
 * @param replyText the exact plain-text body the vendor expects back, or null for the usual JSON answer
 */
public record VerifiedEvent(String kind, String stream, String dedupeKey, boolean store, String replyText) {
    public VerifiedEvent(String kind, String stream, String dedupeKey) {
        this(kind, stream, dedupeKey, true, null);
    }

    /** A request that is answered but carries nothing to store, e.g. a health ping. */
    public static VerifiedEvent notStored(String kind) {
        return new VerifiedEvent(kind, kind, kind, false, null);
    }

    /** A set-up check that must be answered with exactly {@code text} (Zadarma's {@code zd_echo}). */
    public static VerifiedEvent echo(String kind, String text) {
        return new VerifiedEvent(kind, kind, kind, false, text);
    }
}
