package io.leadflow.config;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Source attribution for marketing: which touches of a contact get the credit for a lead and its revenue.
 * <pre>
 *   attribution:
 *     hashSecret: ${ACME_CONTACT_HASH_SECRET}   # required: marketing topics carry HMAC-SHA256(secret, phone), never the phone
 *     lookback: P30D                           # touches this long before the lead count
 *     halfLife: P7D                            # time-decay model
 *     offlineNumbers:                          # static numbers advertised offline → their channel
 *       "+7 495 111-22-33": {source: billboard, medium: offline, campaign: mkad-2026}
 * </pre>
 *
 * @param hashSecret     the key of the contact hash on marketing topics: without it a tenant gets no attribution output.
 *                       Keep it secret (with it, a phone list can be matched against the hashes) and stable (a new key
 *                       makes the same contact a new hash)
 * @param lookback       touches at most this long before a lead are credited (default 30 days)
 * @param halfLife       the time-decay model halves a touch's weight for each half-life it lies before the lead (default 7 days)
 * @param offlineNumbers phone number (any spelling) → the offline channel it was advertised in: a call to it that no
 *                       call tracker attributed is credited to that channel instead of "(direct)"
 */
public record AttributionConfig(String hashSecret, Duration lookback, Duration halfLife, Map<String, OfflineChannel> offlineNumbers) {
    public AttributionConfig {
        TenantConfig.required(hashSecret, "attribution.hashSecret");
        lookback = lookback == null ? Duration.ofDays(30) : lookback;
        halfLife = halfLife == null ? Duration.ofDays(7) : halfLife;
        offlineNumbers = offlineNumbers == null ? Map.of() : new TreeMap<>(offlineNumbers);
        if (lookback.isNegative() || lookback.isZero() || halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("attribution.lookback and attribution.halfLife must be positive");
        }
    }

    /** A channel outside the web: a billboard, print, radio. */
    public record OfflineChannel(String source, String medium, String campaign) {
        public OfflineChannel {
            TenantConfig.required(source, "attribution.offlineNumbers.*.source");
            medium = medium == null ? "offline" : medium;
        }
    }
}
