package io.leadflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes a record as any Confluent-format client does, with nothing of leadflow's: wire format 0x00 + int32 schema id
 * + Avro binary, the writer schema from the registry's REST API ({@code GET /schemas/ids/{id}}), plain Avro.
 */
public final class ThirdPartyAvro {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ThirdPartyAvro() {
    }

    public static GenericRecord decode(String registryUrl, byte[] bytes) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.get()).as("magic byte").isZero();
        String url = registryUrl + "/schemas/ids/" + buffer.getInt();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET %s", url).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(JSON.readTree(answer.body()).get("schema").asText());
        return new GenericDatumReader<GenericRecord>(writer).read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    }
}
