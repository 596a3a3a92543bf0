package io.leadflow.registry.client;

import io.javalin.Javalin;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The REST client's transport behaviour against a local server shaped like a registry behind basic auth. */
class RestSchemaRegistryClientTest {
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"P\",\"fields\":[]}";
    private final AtomicInteger byIdCalls = new AtomicInteger();
    private Javalin server;

    @BeforeEach
    void startRegistry() {
        server = Javalin.create(c -> c.showJavalinBanner = false);
        server.before(ctx -> {
            if (!"Basic dXNlcjpzZWNyZXQ=".equals(ctx.header("Authorization"))) { // user:secret
                ctx.status(401).result("{\"error_code\":401,\"message\":\"Unauthorized\"}").skipRemainingHandlers();
            }
        });
        server.get("/schemas/ids/{id}", ctx -> {
            byIdCalls.incrementAndGet();
            if (!ctx.pathParam("id").equals("7")) {
                ctx.status(404).result("{\"error_code\":40403,\"message\":\"Schema not found\"}");
                return;
            }
            ctx.result("{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(SCHEMA) + "}");
        });
        server.get("/config/{subject}", ctx -> ctx.result("{\"compatibilityLevel\":\"FULL\"}"));
        server.get("/behind-a-proxy/subjects", ctx -> ctx.status(502).result("<html>bad gateway</html>"));
        server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopRegistry() {
        server.stop();
    }

    @Test
    void sendsBasicAuthAndCachesSchemasByIdForever() {
        var client = client(List.of(url()), "user:secret");

        assertThat(client.getSchemaById(7)).isEqualTo(new Schema.Parser().parse(SCHEMA));
        assertThat(client.getSchemaById(7)).isNotNull();
        assertThat(byIdCalls).hasValue(1);
        assertThat(client.getCompatibility("s")).isEqualTo(CompatibilityLevel.FULL);
    }

    @Test
    void wrongCredentialsAreUnauthorized() {
        var client = client(List.of(url()), "user:wrong");

        assertThatThrownBy(() -> client.getSchemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.UNAUTHORIZED));
    }

    @Test
    void anUnreachableUrlFailsOverToTheNext() throws IOException {
        var client = client(List.of("http://127.0.0.1:" + closedPort(), url()), "user:secret");

        assertThat(client.getSchemaById(7).getName()).isEqualTo("P");
    }

    @Test
    void whenNoUrlAnswersTheErrorSaysUnreachable() throws IOException {
        var client = client(List.of("http://127.0.0.1:" + closedPort()), null);

        assertThatThrownBy(() -> client.getSchemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.UNREACHABLE));
    }

    @Test
    void confluentErrorCodesAndNonJsonErrorsAreMapped() {
        var client = client(List.of(url()), "user:secret");

        assertThatThrownBy(() -> client.getSchemaById(8)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(40403);
            assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.SCHEMA_NOT_FOUND);
        });
        var proxied = client(List.of(url() + "/behind-a-proxy"), "user:secret");
        assertThatThrownBy(() -> proxied.getSubjects()).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.BACKEND));
    }

    @Test
    void configBuildsAMockScopeOrARestClient() {
        assertThat(SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://a")))
                .isSameAs(SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://a")))
                .isInstanceOf(InMemorySchemaRegistryClient.class);
        assertThat(SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", url() + "," + url(),
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "user:secret")))
                .isInstanceOf(RestSchemaRegistryClient.class);
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", url(),
                "basic.auth.credentials.source", "SASL_INHERIT"))).hasMessageContaining("not supported");
        SchemaRegistryClients.dropScope("a");
    }

    private String url() {
        return "http://127.0.0.1:" + server.port();
    }

    private static RestSchemaRegistryClient client(List<String> urls, String userInfo) {
        return new RestSchemaRegistryClient(urls, userInfo, Duration.ofSeconds(2));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
