package io.leadflow.testing;

import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.connectors.gateway.InboundRequest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A {@link WebhookRequest} as the gateway would receive it, for unit tests of vendor adapters. */
public final class Inbound {
    private Inbound() {
    }

    public static InboundRequest of(WebhookRequest request) {
        return of(request, "127.0.0.1");
    }

    public static InboundRequest of(WebhookRequest request, String remoteAddress) {
        String[] pathAndQuery = request.pathAndQuery().split("\\?", 2);
        String[] segments = pathAndQuery[0].split("/", 5); // "", hooks, tenant, vendor, event path
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        String rest = segments.length > 4 ? segments[4] : "";
        String eventPath = rest.startsWith("events/") ? rest.substring("events/".length()) : rest; // Mango: mango/events/<event>
        return new InboundRequest("req-1", segments[2], request.method(), pathAndQuery[0],
                eventPath, pathAndQuery.length > 1 ? pathAndQuery[1] : null,
                request.contentType(), headers, request.body().getBytes(StandardCharsets.UTF_8), remoteAddress);
    }
}
