package io.leadflow.intake;

import io.leadflow.avro.RawEnvelope;

import java.nio.ByteBuffer;

/** Helpers for reading raw envelopes. */
public final class Envelopes {
    private Envelopes() {
    }

    /** The vendor's body bytes; Avro hands out a shared buffer, so copy what is between position and limit. */
    public static byte[] body(RawEnvelope envelope) {
        ByteBuffer buffer = envelope.getBody().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
