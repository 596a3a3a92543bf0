package io.leadflow.http;

import io.leadflow.http.HealthChecks.Health;
import io.leadflow.http.HealthChecks.Status;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HealthChecksTest {

    @Test
    void aPartWaitingForTheBrokerIsNotReadyButAliveAndAFailedPartIsNeither() throws Exception {
        AtomicReference<Health> engine = new AtomicReference<>(Health.up("RUNNING"));
        HealthChecks checks = new HealthChecks().add("kafka", () -> Health.up("1 broker")).add("engine", engine::get);
        try (HttpServer server = new HttpServer(checks, 1024).start("127.0.0.1", 0)) {
            assertThat(status(server, "/health")).isEqualTo(200);
            assertThat(status(server, "/health/live")).isEqualTo(200);

            engine.set(Health.down("PENDING_SHUTDOWN"));
            assertThat(checks.report().status()).isEqualTo(Status.DOWN);
            assertThat(status(server, "/health")).isEqualTo(503);
            assertThat(status(server, "/health/live")).isEqualTo(200); // an outage outside: restarting would not help

            engine.set(Health.failed("ERROR"));
            assertThat(checks.report().status()).isEqualTo(Status.FAILED);
            assertThat(status(server, "/health")).isEqualTo(503);
            assertThat(status(server, "/health/live")).isEqualTo(503); // only a restart helps
        }
    }

    private static int status(HttpServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
