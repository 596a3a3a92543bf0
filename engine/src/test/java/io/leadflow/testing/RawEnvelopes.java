package io.leadflow.testing;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.Vendor;
import io.leadflow.connectors.client.WebhookRequest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Raw envelopes as the gateway stores a vendor's request, for parser and topology tests. */
public final class RawEnvelopes {
    public static final Instant RECEIVED = Instant.parse("2024-05-21T11:05:00Z");

    private RawEnvelopes() {
    }

    public static RawEnvelope of(Vendor vendor, String kind, String dedupeKey, WebhookRequest request) {
        String[] pathAndQuery = request.pathAndQuery().split("\\?", 2);
        return RawEnvelope.newBuilder()
                .setRequestId("req-" + dedupeKey).setTenant(pathAndQuery[0].split("/")[2]).setVendor(vendor).setKind(kind)
                .setReceivedAt(RECEIVED).setMethod(request.method()).setPath(pathAndQuery[0])
                .setQuery(pathAndQuery.length > 1 ? pathAndQuery[1] : null).setContentType(request.contentType())
                .setHeaders(Map.of())
                .setBody(ByteBuffer.wrap(request.body().getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true).setDedupeKey(dedupeKey).build();
    }

    /** A record pulled from a vendor's API (a JSON body), as the pollers store it. */
    public static RawEnvelope pulled(Vendor vendor, String tenant, String kind, String dedupeKey, String json) {
        return RawEnvelope.newBuilder()
                .setRequestId("pull-" + dedupeKey).setTenant(tenant).setVendor(vendor).setKind(kind)
                .setReceivedAt(RECEIVED).setMethod("GET").setPath("/api").setContentType("application/json")
                .setHeaders(Map.of())
                .setBody(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true).setDedupeKey(dedupeKey).build();
    }
}
