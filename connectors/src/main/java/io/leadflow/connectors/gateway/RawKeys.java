package io.leadflow.connectors.gateway;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;

/**
 * What a raw record is keyed by, and so which partition — which engine task — it lands on. The engine's keys put each
 * record on its contact's partition where the envelope names the caller, so that it is parsed, deduplicated and becomes
 * or touches its lead in one task and one transaction; a gateway without them keeps the vendor's own ordering key.
 */
@FunctionalInterface
public interface RawKeys {
    /** The vendor's ordering key (a call id, a CRM entity), as the webhook names it. */
    RawKeys BY_STREAM = (envelope, byStream) -> byStream;

    /** @param byStream the key by the vendor's ordering key, for envelopes with no single contact */
    RawKey keyFor(RawEnvelope envelope, RawKey byStream);
}
