package io.leadflow.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.registry.client.CompatibilityLevel;
import io.leadflow.registry.client.RestSchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.testing.KafkaTestBroker;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST client against the embedded registry over real HTTP, storing into a real broker. */
class EmbeddedSchemaRegistryIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmbeddedSchemaRegistry start(String topic) {
        return EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(KAFKA.bootstrapServers(), "127.0.0.1", 0, topic, (short) 1));
    }

    private static SchemaRegistryClient client(EmbeddedSchemaRegistry registry) {
        return new RestSchemaRegistryClient(List.of(registry.url()), null, Duration.ofSeconds(5));
    }

    @Test
    void honoursTheRegistryContract() {
        try (EmbeddedSchemaRegistry registry = start("_schemas_contract")) {
            RegistryContract.verify(client(registry));
        }
    }

    @Test
    void idsVersionsAndLevelsSurviveARestartOnTheSameTopic() {
        int id;
        try (EmbeddedSchemaRegistry registry = start("_schemas_restart")) {
            SchemaRegistryClient client = client(registry);
            id = client.register("r-value", RegistryContract.V1);
            client.register("r-value", RegistryContract.V2);
            client.setCompatibility("r-value", CompatibilityLevel.FULL);
        }
        try (EmbeddedSchemaRegistry registry = start("_schemas_restart")) {
            SchemaRegistryClient client = client(registry);
            assertThat(client.getVersion("r-value", 1).id()).isEqualTo(id);
            assertThat(client.getVersions("r-value")).containsExactly(1, 2);
            assertThat(client.getCompatibility("r-value")).isEqualTo(CompatibilityLevel.FULL);
            // a new schema continues the id sequence rather than reusing one
            Schema other = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Other\",\"fields\":[]}");
            assertThat(client.register("o-value", other)).isGreaterThan(client.getLatest("r-value").id());
        }
    }

    @Test
    void answersTheRawRestCallsThirdPartyClientsMake() throws Exception {
        try (EmbeddedSchemaRegistry registry = start("_schemas_raw")) {
            int id = client(registry).register("raw-value", RegistryContract.V1);

            HttpResponse<String> byId = get(registry.url() + "/schemas/ids/" + id);
            assertThat(byId.statusCode()).isEqualTo(200);
            assertThat(byId.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
            assertThat(new Schema.Parser().parse(JSON.readTree(byId.body()).get("schema").asText())).isEqualTo(RegistryContract.V1);

            JsonNode missing = JSON.readTree(get(registry.url() + "/schemas/ids/4242").body());
            assertThat(missing.get("error_code").asInt()).isEqualTo(40403);

            HttpResponse<String> invalid = post(registry.url() + "/subjects/raw-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}");
            assertThat(invalid.statusCode()).isEqualTo(422);
            assertThat(JSON.readTree(invalid.body()).get("error_code").asInt()).isEqualTo(42201);

            HttpResponse<String> protobuf = post(registry.url() + "/subjects/raw-value/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
            assertThat(JSON.readTree(protobuf.body()).get("error_code").asInt()).isEqualTo(42201);

            HttpResponse<String> badVersion = get(registry.url() + "/subjects/raw-value/versions/zero");
            assertThat(JSON.readTree(badVersion.body()).get("error_code").asInt()).isEqualTo(42202);

            JsonNode schemaOnly = JSON.readTree(get(registry.url() + "/subjects/raw-value/versions/latest/schema").body());
            assertThat(schemaOnly.get("name").asText()).isEqualTo("Probe");
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
