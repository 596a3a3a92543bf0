package io.leadflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.leadflow.config.TenantConfig.CallTouchApi;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server shaped like CallTouch's reporting API: the paged calls diary and the requests list,
 * token-checked, with records added by the test and failures on demand.
 */
public final class FakeCallTouchApi implements AutoCloseable {
    public static final String SITE_ID = "12345";
    public static final String TOKEN = "api-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DIARY_TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy H:mm:ss", Locale.ROOT);

    private final List<ObjectNode> calls = new CopyOnWriteArrayList<>();
    private final List<ObjectNode> requests = new CopyOnWriteArrayList<>();
    /** Every query string received, in order. */
    public final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final Javalin app;

    public FakeCallTouchApi() {
        app = Javalin.create(c -> c.showJavalinBanner = false)
                .get("/calls-service/RestAPI/{siteId}/calls-diary/calls", this::diary)
                .get("/calls-service/RestAPI/requests", this::requests)
                .start("127.0.0.1", 0);
    }

    /** The API settings a tenant would configure for this server. */
    public CallTouchApi settings(int pageSize, Duration lookback) {
        return new CallTouchApi(SITE_ID, TOKEN, "http://127.0.0.1:" + app.port(), Duration.ofMinutes(10), lookback, pageSize, 1000.0);
    }

    /** The next {@code n} requests are answered 503. */
    public void failNext(int n) {
        failNext.set(n);
    }

    public ObjectNode addCall(long callId, String caller, Instant at, ZoneId zone) {
        ObjectNode call = JSON.createObjectNode()
                .put("callId", callId).put("date", DIARY_TIME.format(at.atZone(zone))).put("timestamp", at.getEpochSecond())
                .put("callerNumber", caller).put("phoneNumber", "74951234567").put("redirectNumber", "74957654321")
                .put("duration", 95).put("waitingConnect", 12).put("successful", true).put("uniqueCall", true)
                .put("source", "yandex").put("medium", "cpc").put("utmSource", "yandex").put("utmMedium", "cpc")
                .put("utmCampaign", "brand").put("keyword", "ремонт квартир").put("city", "Москва")
                .put("url", "https://site.ru/?utm_source=yandex").put("sessionId", 987654321);
        calls.add(call);
        return call;
    }

    public ObjectNode addRequest(long requestId, String phone, Instant at) {
        ObjectNode request = JSON.createObjectNode().put("requestId", requestId).put("requestNumber", "R-" + requestId)
                .put("subject", "Заявка с сайта").put("date", at.toEpochMilli());
        request.putObject("client").put("fio", "Иван").putArray("phones").addObject().put("phoneNumber", phone).put("phoneType", "MOBILE");
        request.putObject("session").put("source", "google").put("medium", "cpc").put("utmCampaign", "autumn").put("sessionId", 1);
        requests.add(request);
        return request;
    }

    private boolean refused(Context ctx) {
        log.add(ctx.path() + "?" + ctx.queryString());
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ctx.status(503).result("{\"error\":\"maintenance\"}");
            return true;
        }
        if (!TOKEN.equals(ctx.queryParam("clientApiId"))) {
            ctx.status(401).result("{\"error\":\"bad clientApiId\"}");
            return true;
        }
        return false;
    }

    private void diary(Context ctx) {
        if (refused(ctx)) {
            return;
        }
        int page = Integer.parseInt(ctx.queryParam("page"));
        int limit = Integer.parseInt(ctx.queryParam("limit"));
        int total = calls.size();
        ObjectNode answer = JSON.createObjectNode().put("page", page).put("pageTotal", Math.max(1, (total + limit - 1) / limit))
                .put("pageSize", limit).put("recordsTotal", total);
        ArrayNode records = answer.putArray("records");
        calls.stream().skip((long) (page - 1) * limit).limit(limit).forEach(records::add);
        ctx.contentType("application/json").result(answer.toString());
    }

    private void requests(Context ctx) {
        if (refused(ctx)) {
            return;
        }
        ArrayNode answer = JSON.createArrayNode();
        requests.forEach(answer::add);
        ctx.contentType("application/json").result(answer.toString());
    }

    @Override
    public void close() {
        app.stop();
    }
}
