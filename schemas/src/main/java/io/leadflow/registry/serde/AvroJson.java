package io.leadflow.registry.serde;

import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A record as the JSON a consumer of the topic would see: written with its schema and read back as a
 * generic record, so timestamps are epoch milliseconds and enums their names, the same shape
 * {@code leadflow tail} prints.
 */
public final class AvroJson {
    private AvroJson() {
    }

    public static String of(SpecificRecord record) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            Object generic = new GenericDatumReader<>(record.getSchema())
                    .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
            return generic.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
