package io.leadflow.app;

import io.leadflow.http.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The dashboard people look at, served by the engine at {@code /dashboard}: the live SLA board, the funnel and
 * attribution by channel, one static page that reads the engine's query APIs and refreshes itself every 10 seconds.
 */
final class DashboardPage {
    private DashboardPage() {
    }

    static void mount(HttpServer server) {
        byte[] page = resource("/dashboard/index.html");
        server.routes().get("/dashboard", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
        server.routes().get("/", ctx -> ctx.redirect("/dashboard"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
