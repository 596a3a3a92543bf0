package io.leadflow.connectors.calltouch;

import io.leadflow.config.TenantConfig.CallTouchConfig;

import java.util.Map;

/**
 * The parameters of a CallTouch notification, by logical name. Every CallTouch account picks its own
 * parameter names, so a tenant's {@code calltouch.fields} may rename any of these defaults.
 */
public final class CallTouchFields {
    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("callId", "id"),
            Map.entry("requestId", "requestid"),
            Map.entry("callerPhone", "callerphone"),
            Map.entry("trackingNumber", "phonenumber"),
            Map.entry("callTime", "calltime"),
            Map.entry("status", "status"),
            Map.entry("duration", "duration"),
            Map.entry("source", "source"),
            Map.entry("medium", "medium"),
            Map.entry("campaign", "utm_campaign"),
            Map.entry("content", "utm_content"),
            Map.entry("term", "utm_term"),
            Map.entry("keyword", "keyword"),
            Map.entry("landingPage", "url"),
            Map.entry("city", "city"),
            Map.entry("sessionId", "sessionid"));

    private CallTouchFields() {
    }

    /** The parameter that carries {@code logical} for this tenant. */
    public static String name(CallTouchConfig config, String logical) {
        String name = config.fields().get(logical);
        return name != null ? name : DEFAULTS.get(logical);
    }
}
