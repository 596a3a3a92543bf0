package io.leadflow.connectors.gateway;

import io.javalin.http.Context;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.http.ApiException;
import io.leadflow.http.HealthChecks;
import io.leadflow.http.HttpServer;
import io.leadflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Receives vendor webhooks on {@code /hooks/{tenant}/...}: checks the tenant and the vendor's signature,
 * writes the request verbatim as a {@link RawEnvelope}, and answers 2xx only once the broker has
 * acknowledged the write. If Kafka cannot take it in time the answer is 503, so the vendor retries.
 */
public final class WebhookGateway {
    private static final Logger log = LoggerFactory.getLogger(WebhookGateway.class);

    /** Headers kept in the envelope: signatures and what tells where a request came from. */
    static final Set<String> KEPT_HEADERS = Set.of(
            "content-type", "user-agent", "x-forwarded-for", "x-real-ip", "signature", "x-request-id");

    private final LeadflowConfig config;
    private final Topics topics;
    private final RawEventWriter writer;
    private final Duration ackTimeout;
    private final List<VendorWebhook> webhooks;
    private volatile Instant lastStored;
    private volatile Instant lastFailed;
    private volatile String lastFailure;

    public WebhookGateway(LeadflowConfig config, Topics topics, RawEventWriter writer, Duration ackTimeout,
                          List<VendorWebhook> webhooks) {
        this.config = config;
        this.topics = topics;
        this.writer = writer;
        this.ackTimeout = ackTimeout;
        this.webhooks = List.copyOf(webhooks);
    }

    public void mount(HttpServer server) {
        for (VendorWebhook webhook : webhooks) {
            String route = "/hooks/{tenant}/" + webhook.route();
            server.routes().post(route, ctx -> handle(webhook, ctx));
            if (webhook.acceptsGet()) {
                server.routes().get(route, ctx -> handle(webhook, ctx));
            }
            log.debug("Mounted {} webhook on {}", webhook.vendor(), route);
        }
    }

    /** DOWN while the latest attempt to store an event failed: vendors are getting 503 and retrying. */
    public HealthChecks.Health health() {
        Instant failed = lastFailed;
        if (failed != null && (lastStored == null || failed.isAfter(lastStored))) {
            return HealthChecks.Health.down("last write failed at " + failed + ": " + lastFailure);
        }
        return HealthChecks.Health.up(lastStored == null ? "no event yet" : "last event stored at " + lastStored);
    }

    private void handle(VendorWebhook webhook, Context ctx) {
        String requestId = UUID.randomUUID().toString();
        ctx.attribute("requestId", requestId);
        ctx.header("X-Request-Id", requestId);
        try {
            TenantConfig tenant = config.tenant(ctx.pathParam("tenant"))
                    .orElseThrow(() -> new ApiException(404, "unknown_tenant", "No tenant '" + ctx.pathParam("tenant") + "'"));
            InboundRequest request = inbound(ctx, requestId);
            VerifiedEvent event = webhook.verify(tenant, request);
            if (event.store()) {
                store(webhook, request, event);
            }
            if (event.replyText() != null) {
                ctx.status(200).contentType("text/plain; charset=utf-8").result(event.replyText());
            } else {
                ctx.status(200).json(Map.of("status", event.store() ? "stored" : "ok", "requestId", requestId));
            }
        } catch (ApiException e) {
            log.info("Refused {} {} ({}): {} {}", ctx.method(), ctx.path(), requestId, e.status(), e.getMessage());
            throw e;
        }
    }

    private void store(VendorWebhook webhook, InboundRequest request, VerifiedEvent event) {
        RawKey key = new RawKey(request.tenant(), event.stream());
        RawEnvelope envelope = RawEnvelope.newBuilder()
                .setRequestId(request.requestId())
                .setTenant(request.tenant())
                .setVendor(webhook.vendor())
                .setKind(event.kind())
                .setReceivedAt(Instant.now())
                .setMethod(request.method())
                .setPath(request.path())
                .setQuery(request.query())
                .setContentType(request.contentType())
                .setHeaders(Map.copyOf(request.headers()))
                .setBody(ByteBuffer.wrap(request.body()))
                .setRemoteAddress(request.remoteAddress())
                .setSignatureVerified(true)
                .setDedupeKey(event.dedupeKey())
                .build();
        try {
            writer.write(topics.raw(webhook.vendor()), key, envelope).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            lastStored = Instant.now();
        } catch (TimeoutException e) {
            throw unavailable("Kafka did not acknowledge the event within " + ackTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw unavailable("Kafka did not take the event: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("Interrupted while waiting for Kafka");
        }
    }

    private ApiException unavailable(String message) {
        lastFailure = message;
        lastFailed = Instant.now();
        return new ApiException(503, "storage_unavailable", message + "; retry later, nothing was acknowledged");
    }

    private static InboundRequest inbound(Context ctx, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        ctx.headerMap().forEach((name, value) -> {
            if (KEPT_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
            }
        });
        String eventPath = ctx.pathParamMap().getOrDefault("event", "");
        return new InboundRequest(requestId, ctx.pathParam("tenant"), ctx.method().name(), ctx.path(), eventPath,
                ctx.queryString(), ctx.contentType(), headers, ctx.bodyAsBytes(), ctx.ip());
    }
}
