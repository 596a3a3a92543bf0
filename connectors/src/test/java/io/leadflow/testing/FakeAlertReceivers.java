package io.leadflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One local HTTP server shaped like the three alert receivers: the Telegram Bot API ({@code POST
 * /bot<token>/sendMessage}: 401 for another token, 403 for a chat that blocked the bot, {@code {"ok": true, ...}}
 * otherwise), a generic webhook ({@code POST /hook}, kept with its headers) and Alertmanager ({@code POST
 * /api/v2/alerts}). Outages on demand.
 */
public final class FakeAlertReceivers implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received: its body, raw and parsed, its headers, and when it came. */
    public record Received(String raw, JsonNode body, Map<String, String> headers, java.time.Instant at) {
    }

    public final List<Received> telegram = new CopyOnWriteArrayList<>();
    public final List<Received> webhook = new CopyOnWriteArrayList<>();
    public final List<Received> alertmanager = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> blockedChats = new ConcurrentHashMap<>();
    private volatile boolean down;
    private final String botToken;
    private final Javalin app;

    public FakeAlertReceivers(String botToken) {
        this.botToken = botToken;
        app = Javalin.create(c -> c.showJavalinBanner = false)
                .post("/bot{token}/sendMessage", this::sendMessage)
                .post("/hook", ctx -> receive(ctx, webhook, "{}"))
                .post("/api/v2/alerts", ctx -> receive(ctx, alertmanager, ""))
                .start("127.0.0.1", 0);
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    /** While down, every request is answered 503. */
    public void down(boolean down) {
        this.down = down;
    }

    /** The chat's user blocked the bot: Telegram answers 403. */
    public void blockChat(String chat) {
        blockedChats.put(chat, true);
    }

    private void sendMessage(Context ctx) throws Exception {
        if (down) {
            ctx.status(503);
            return;
        }
        if (!botToken.equals(ctx.pathParam("token"))) {
            ctx.status(401).result("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
            return;
        }
        JsonNode body = JSON.readTree(ctx.body());
        if (blockedChats.containsKey(body.path("chat_id").asText())) {
            ctx.status(403).result("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}");
            return;
        }
        telegram.add(new Received(ctx.body(), body, ctx.headerMap(), java.time.Instant.now()));
        ctx.contentType("application/json").result("{\"ok\":true,\"result\":{\"message_id\":" + telegram.size() + "}}");
    }

    private void receive(Context ctx, List<Received> into, String answer) throws Exception {
        if (down) {
            ctx.status(503);
            return;
        }
        into.add(new Received(ctx.body(), JSON.readTree(ctx.body()), ctx.headerMap(), java.time.Instant.now()));
        ctx.status(200).contentType("application/json").result(answer);
    }

    @Override
    public void close() {
        app.stop();
    }
}
