package io.leadflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server shaped like a Bitrix24 portal's REST API behind an inbound webhook
 * ({@code /rest/1/<key>/crm.deal.get.json?id=}): {@code {"result": {...}}}, or Bitrix24's error answer
 * ({@code 400 {"error":"","error_description":"Not found"}}) for unknown ids, and 503s on demand.
 */
public final class FakeBitrix24 implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> entities = new ConcurrentHashMap<>();
    private final AtomicInteger failNext = new AtomicInteger();
    /** Every method and id called, e.g. {@code crm.deal.get 4711}. */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final Javalin app;

    public FakeBitrix24() {
        app = Javalin.create(c -> c.showJavalinBanner = false)
                .get("/rest/1/secret-key/{method}", this::handle)
                .start("127.0.0.1", 0);
    }

    /** The inbound webhook URL a tenant would configure as {@code bitrix24.restUrl}. */
    public String restUrl() {
        return "http://127.0.0.1:" + app.port() + "/rest/1/secret-key/";
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    public ObjectNode putDeal(String id, String stage, String semantic, String amount, String contactId) {
        ObjectNode deal = JSON.createObjectNode().put("ID", id).put("STAGE_ID", stage).put("STAGE_SEMANTIC_ID", semantic)
                .put("CATEGORY_ID", "0").put("OPPORTUNITY", amount).put("CURRENCY_ID", "RUB").put("ASSIGNED_BY_ID", "1")
                .put("CONTACT_ID", contactId).put("DATE_MODIFY", "2024-05-21T14:03:27+03:00");
        entities.put("deal:" + id, deal);
        return deal;
    }

    public void putContact(String id, String phone) {
        ObjectNode contact = JSON.createObjectNode().put("ID", id);
        contact.putArray("PHONE").addObject().put("ID", "1").put("VALUE", phone).put("VALUE_TYPE", "WORK");
        entities.put("contact:" + id, contact);
    }

    private void handle(Context ctx) {
        String method = ctx.pathParam("method").replace(".json", "");
        calls.add(method + " " + ctx.queryParam("id"));
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ctx.status(503).result("{\"error\":\"QUERY_LIMIT_EXCEEDED\"}");
            return;
        }
        String entity = method.replace("crm.", "").replace(".get", "");
        ObjectNode found = entities.get(entity + ":" + ctx.queryParam("id"));
        if (found == null) {
            ctx.status(400).contentType("application/json").result("{\"error\":\"\",\"error_description\":\"Not found\"}");
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("result", found);
        ctx.contentType("application/json").result(answer.toString());
    }

    @Override
    public void close() {
        app.stop();
    }
}
