package io.leadflow.registry.serde;

import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/** Confluent's wire format: magic byte 0x00, big-endian int32 schema id, then the Avro binary body. */
public final class WireFormat {
    public static final byte MAGIC = 0x0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id of a framed payload. */
    public static int schemaId(byte[] framed) {
        if (framed.length < HEADER_SIZE) {
            throw new SerializationException("Not in the Confluent wire format: " + framed.length + " bytes, the header alone is 5");
        }
        if (framed[0] != MAGIC) {
            throw new SerializationException("Not in the Confluent wire format: unknown magic byte " + framed[0]);
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }
}
