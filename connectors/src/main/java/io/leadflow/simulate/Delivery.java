package io.leadflow.simulate;

import io.leadflow.avro.Vendor;
import io.leadflow.connectors.client.WebhookRequest;

import java.time.Instant;

/**
 * One webhook the simulated vendor sends at {@code sendAt}.
 *
 * @param produces  the canonical event the engine should make of it (for a duplicate: nothing new)
 * @param duplicate true for a redelivery of an earlier request (the gateway stores it, the engine drops it)
 * @param fact      what really happened that this delivery is the first to tell (null: nothing new): the ground
 *                  truth checks compare the engine's figures with, and what a simulated CRM serves when asked
 */
public record Delivery(Instant sendAt, long order, String tenant, Vendor vendor, WebhookRequest request,
                       Produces produces, boolean duplicate, Fact fact) {

    /** What the engine emits for a delivery: a call outcome, a touch, a CRM stage change, or nothing. */
    public enum Produces { NOTHING, CALL, TOUCH, STAGE_CHANGE }

    Delivery telling(Fact fact) {
        return new Delivery(sendAt, order, tenant, vendor, request, produces, duplicate, fact);
    }
}
