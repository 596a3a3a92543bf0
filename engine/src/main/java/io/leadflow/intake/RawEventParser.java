package io.leadflow.intake;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.config.TenantConfig;

/** Turns one vendor's raw envelopes into canonical events. Pure: no I/O, no clock. */
public interface RawEventParser {
    /**
     * @return the canonical events in this envelope; {@link Parsed#NOTHING} for kinds that carry none
     * @throws UnparseableEvent when the envelope is malformed; the reason goes to the dead-letter topic
     */
    Parsed parse(RawEnvelope envelope, TenantConfig tenant);
}
