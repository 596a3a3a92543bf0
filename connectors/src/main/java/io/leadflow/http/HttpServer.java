package io.leadflow.http;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single HTTP port of a leadflow process (gateway + API + dashboard). Every error leaves as
 * {@link ApiError} JSON, including the ones Jetty and Javalin raise themselves (404, 413, ...).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final Javalin app;

    /**
     * @param maxBodyBytes requests with a larger body get 413 before anything reads them
     */
    public HttpServer(HealthChecks health, long maxBodyBytes) {
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.useVirtualThreads = false;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        });
        app.get("/health", ctx -> {
            HealthChecks.Report report = health.report();
            ctx.status(report.status() == HealthChecks.Status.UP ? 200 : 503).json(report);
        });
        app.get("/health/live", ctx -> {
            HealthChecks.Report report = health.report();
            ctx.status(report.status() == HealthChecks.Status.FAILED ? 503 : 200).json(report);
        });
        app.exception(ApiException.class, (e, ctx) ->
                ctx.status(e.status()).json(new ApiError(e.code(), e.getMessage(), ctx.attribute("requestId"))));
        app.exception(HttpResponseException.class, (e, ctx) -> {
            HttpStatus status = HttpStatus.forStatus(e.getStatus());
            ctx.status(e.getStatus()).json(new ApiError(code(status), e.getMessage(), ctx.attribute("requestId")));
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError("internal_error", "Unexpected error; see the server log", ctx.attribute("requestId")));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ctx.json(new ApiError("not_found", "No route for " + ctx.method() + " " + ctx.path(), null));
            }
        });
        app.error(405, ctx -> ctx.json(new ApiError("method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(), null)));
    }

    private static String code(HttpStatus status) {
        return status.getMessage().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    /** Routes are added here before {@link #start}. */
    public Javalin routes() {
        return app;
    }

    public HttpServer start(String host, int port) {
        app.start(host, port);
        prime();
        return this;
    }

    /**
     * Javalin initialises its servlet lazily, without synchronisation, on the first request: several vendor
     * requests arriving together right after start-up can fail with a NullPointerException (seen in local
     * mode with demo traffic). One request of our own initialises it before anybody else calls.
     */
    private void prime() {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection)
                    java.net.URI.create("http://127.0.0.1:" + port() + "/").toURL().openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(5_000);
            c.getResponseCode();
            c.disconnect();
        } catch (java.io.IOException e) {
            // bound to an address other than loopback: the first vendor request initialises it instead
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
