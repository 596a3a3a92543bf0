package io.leadflow.lead;

import io.leadflow.connectors.gateway.Signatures;

import java.util.HexFormat;
import java.util.UUID;

/**
 * Lead ids derived from their inputs, so replaying the same log yields the same ids — keyed with the tenant's secret
 * ({@code leads.idSecret}), so that nobody can compute a lead id from a phone number. Lead ids travel on the
 * marketing topics beside the opening event's id: an unkeyed digest of tenant, phone and event id (as lead ids were
 * before) is reversed by trying every number of a region, and so was the contact behind every lead.
 */
public final class LeadIds {
    /** Separates this use of a tenant's secret from its others (the contact hash of the marketing topics). */
    private static final String DOMAIN = "leadflow/lead-id/v2\n";

    private LeadIds() {
    }

    /**
     * The first 128 bits of HMAC-SHA256(secret, tenant, contact, opening event id), written as a UUID of version 8
     * (RFC 9562: layout of the application's own), so the ids keep the form consumers already store.
     */
    public static String of(String secret, String tenant, String contact, String openingEventId) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("Tenant " + tenant + " has no leads.idSecret: lead ids must be keyed");
        }
        byte[] mac = HexFormat.of().parseHex(Signatures.hmacSha256Hex(secret, DOMAIN + tenant + '\n' + contact + '\n' + openingEventId));
        mac[6] = (byte) ((mac[6] & 0x0f) | 0x80); // version 8
        mac[8] = (byte) ((mac[8] & 0x3f) | 0x80); // IETF variant
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = high << 8 | (mac[i] & 0xff);
            low = low << 8 | (mac[i + 8] & 0xff);
        }
        return new UUID(high, low).toString();
    }
}
