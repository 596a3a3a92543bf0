package io.leadflow.connectors.calltouch;

import io.leadflow.avro.Vendor;
import io.leadflow.config.Cidr;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.CallTouchConfig;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.RequestParams;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.http.ApiException;

/**
 * CallTouch HTTP notifications of calls and form requests, by GET or POST, in the query or a form.
 * CallTouch signs nothing, so the URL carries the tenant's secret ({@code ?secret=}) and the sender may
 * be limited to CallTouch's subnet. A call is notified when it starts and again when it ends: the phase
 * ({@code start} / {@code end}, by the presence of a duration) is part of the dedupe key. Accounts that
 * send no call id are keyed on the caller and the call time.
 */
public final class CallTouchWebhook implements VendorWebhook {
    @Override
    public Vendor vendor() {
        return Vendor.CALLTOUCH;
    }

    @Override
    public String route() {
        return "calltouch";
    }

    @Override
    public boolean acceptsGet() {
        return true;
    }

    @Override
    public VerifiedEvent verify(TenantConfig tenant, InboundRequest request) {
        CallTouchConfig config = tenant.calltouch();
        if (config == null) {
            throw new ApiException(404, "vendor_not_configured", "Tenant '" + request.tenant() + "' has no CallTouch account configured");
        }
        if (!config.allowedSubnets().isEmpty()
                && config.allowedSubnets().stream().map(Cidr::parse).noneMatch(c -> c.contains(request.remoteAddress()))) {
            throw new ApiException(403, "forbidden_source", "Requests from " + request.remoteAddress() + " are not allowed for this tenant");
        }
        if ("POST".equals(request.method()) && request.body().length > 0 && !request.hasMediaType("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "unsupported_media_type", "CallTouch posts application/x-www-form-urlencoded, got " + request.contentType());
        }
        RequestParams params = RequestParams.of(request);
        if (!Signatures.constantTimeEquals(params.fromQuery("secret"), config.secret())) {
            throw new ApiException(401, "invalid_secret", "The 'secret' parameter does not match this tenant's CallTouch secret");
        }
        String phase = params.optional(CallTouchFields.name(config, "duration")) != null ? "end" : "start";
        String callId = params.optional(CallTouchFields.name(config, "callId"));
        if (callId != null && !callId.isBlank()) {
            params.required(CallTouchFields.name(config, "callerPhone"));
            return new VerifiedEvent("call", "call:" + callId, "calltouch:call:" + callId + ":" + phase);
        }
        String requestId = params.optional(CallTouchFields.name(config, "requestId"));
        if (requestId != null && !requestId.isBlank()) {
            return new VerifiedEvent("request", "request:" + requestId, "calltouch:request:" + requestId);
        }
        // Accounts that do not send the call id: the caller and the call's time identify the call.
        String caller = params.optional(CallTouchFields.name(config, "callerPhone"));
        String callTime = params.optional(CallTouchFields.name(config, "callTime"));
        if (caller != null && !caller.isBlank() && callTime != null && !callTime.isBlank()) {
            return new VerifiedEvent("call", "caller:" + caller, "calltouch:call:" + caller + "@" + callTime + ":" + phase);
        }
        throw new ApiException(400, "missing_field", "Neither a call id ('" + CallTouchFields.name(config, "callId")
                + "'), a request id ('" + CallTouchFields.name(config, "requestId") + "') nor a caller ('"
                + CallTouchFields.name(config, "callerPhone") + "') with a call time ('"
                + CallTouchFields.name(config, "callTime") + "') is present");
    }
}
