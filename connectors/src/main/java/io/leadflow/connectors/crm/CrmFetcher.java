package io.leadflow.connectors.crm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.connectors.client.VendorApi.VendorApiException;

import java.util.List;

/**
 * What one CRM's webhook events leave out and its API has: the entity's current state and its contact's phone.
 * Implementations only know the vendor's formats; {@link CrmEnricher} does the reading, writing and retrying.
 */
public interface CrmFetcher {

    /** The entities {@code event} names that need fetching, e.g. {@code deal:4711}; none for the fetcher's own records. */
    List<String> entities(RawEnvelope event);

    /**
     * Fetches one entity.
     *
     * @throws VendorApiException retriable for an outage (the batch is tried again), not retriable when the CRM says
     *                            the entity cannot be had (the event is dead-lettered)
     */
    Fetched fetch(String entity, RawEnvelope event) throws VendorApiException, InterruptedException;

    /**
     * What was fetched, stored as a raw envelope of the same vendor for the engine to parse.
     *
     * @param kind      the envelope's kind, e.g. {@code rest/crm.deal.get}
     * @param dedupeKey the entity and its modification time: fetching an unchanged entity twice stores it once
     */
    record Fetched(String kind, String dedupeKey, ObjectNode body) {
    }
}
