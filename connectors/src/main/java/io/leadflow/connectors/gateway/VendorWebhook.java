package io.leadflow.connectors.gateway;

import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;

/** One vendor's webhook: where it is mounted and how its requests prove they are authentic. */
public interface VendorWebhook {
    Vendor vendor();

    /** The route below {@code /hooks/{tenant}/}, in Javalin syntax; {@code <event>} captures the event path. */
    String route();

    /** Whether the vendor also calls with GET (CallTouch notifications, Zadarma's set-up echo). */
    default boolean acceptsGet() {
        return false;
    }

    /**
     * Checks the request's signature or token and extracts the event's identity.
     *
     * @throws io.leadflow.http.ApiException 4xx with a code naming the problem; nothing is stored then
     */
    VerifiedEvent verify(TenantConfig tenant, InboundRequest request);
}
