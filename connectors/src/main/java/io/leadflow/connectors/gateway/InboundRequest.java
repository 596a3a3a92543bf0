package io.leadflow.connectors.gateway;

import java.util.Locale;
import java.util.Map;

/**
 * A vendor's HTTP request as the gateway received it, before anything interprets it.
 *
 * @param eventPath the part of the route after the vendor's base path (e.g. {@code summary} for Mango)
 * @param headers   the headers worth keeping (lower-case names), see {@link WebhookGateway#KEPT_HEADERS}
 */
public record InboundRequest(String requestId, String tenant, String method, String path, String eventPath,
                             String query, String contentType, Map<String, String> headers, byte[] body,
                             String remoteAddress) {

    /** True when the request's media type (ignoring parameters such as charset) is {@code mediaType}. */
    public boolean hasMediaType(String mediaType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals(mediaType);
    }
}
