package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.config.TenantConfig;

import java.util.List;

/** Turns one vendor's raw envelopes into canonical call events. Pure: no I/O, no clock. */
public interface RawEventParser {
    /**
     * @return the canonical events in this envelope; empty for kinds that carry none (or not yet mapped)
     * @throws UnparseableEvent when the envelope is malformed; the reason goes to the dead-letter topic
     */
    List<CallEvent> parse(RawEnvelope envelope, TenantConfig tenant);
}
