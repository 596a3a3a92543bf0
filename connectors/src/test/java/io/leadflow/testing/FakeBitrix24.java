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
 * ({@code 400 {"error":"","error_description":"Not found"}}) for unknown ids, and 503s on demand; and the
 * methods the lead sink posts to, keeping what they were given.
 */
public final class FakeBitrix24 implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> entities = new ConcurrentHashMap<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final Map<String, ObjectNode> leads = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> registered = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> finished = new ConcurrentHashMap<>();
    private volatile boolean down;
    private final Map<String, Integer> lostAnswers = new ConcurrentHashMap<>();
    /** Every method and id called, e.g. {@code crm.deal.get 4711}. */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final Javalin app;

    public FakeBitrix24() {
        app = Javalin.create(c -> c.showJavalinBanner = false)
                .get("/rest/1/secret-key/{method}", this::handle)
                .post("/rest/1/secret-key/{method}", this::handlePost)
                .start("127.0.0.1", 0);
    }

    /** The inbound webhook URL a tenant would configure as {@code bitrix24.restUrl}. */
    public String restUrl() {
        return "http://127.0.0.1:" + app.port() + "/rest/1/secret-key/";
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    /** While down, every request is answered 503 (a portal outage). */
    public void down(boolean down) {
        this.down = down;
    }

    /** The next call of {@code method} is carried out but answered 503, as when a reply is lost on its way back. */
    public void loseAnswerTo(String method) {
        lostAnswers.merge(method, 1, Integer::sum);
    }

    /** CRM leads added through {@code crm.lead.add}, by CRM id. */
    public Map<String, ObjectNode> leads() {
        return Map.copyOf(leads);
    }

    /** Calls registered through {@code telephony.externalcall.register}, by EXTERNAL_CALL_ID. */
    public Map<String, ObjectNode> registeredCalls() {
        return Map.copyOf(registered);
    }

    /** {@code telephony.externalcall.finish} parameters, by Bitrix24's CALL_ID. */
    public Map<String, ObjectNode> finishedCalls() {
        return Map.copyOf(finished);
    }

    /**
     * The lead sink's methods, answering as Bitrix24 documents: {@code crm.lead.list} filtered by origin,
     * {@code crm.lead.add} (the new id), {@code crm.lead.update}, {@code telephony.externalcall.register} (a repeat
     * EXTERNAL_CALL_ID gets the same CALL_ID) and {@code finish} (a second finish of a call is refused).
     */
    private synchronized void handlePost(Context ctx) throws Exception {
        String method = ctx.pathParam("method").replace(".json", "");
        ObjectNode body = (ObjectNode) JSON.readTree(ctx.body());
        calls.add(method);
        if (down || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ctx.status(503).result("{\"error\":\"QUERY_LIMIT_EXCEEDED\"}");
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        switch (method) {
            case "crm.lead.list" -> {
                var result = answer.putArray("result");
                leads.forEach((id, lead) -> {
                    if (lead.path("ORIGINATOR_ID").equals(body.path("filter").path("ORIGINATOR_ID"))
                            && lead.path("ORIGIN_ID").equals(body.path("filter").path("ORIGIN_ID"))) {
                        result.addObject().put("ID", id);
                    }
                });
            }
            case "crm.lead.add" -> {
                String id = String.valueOf(leads.size() + 1);
                leads.put(id, ((ObjectNode) body.get("fields")).deepCopy());
                answer.put("result", Integer.parseInt(id));
            }
            case "crm.lead.update" -> {
                ObjectNode lead = leads.get(body.path("id").asText());
                if (lead == null) {
                    ctx.status(400).result("{\"error\":\"\",\"error_description\":\"Not found\"}");
                    return;
                }
                lead.setAll((ObjectNode) body.get("fields"));
                answer.put("result", true);
            }
            case "telephony.externalcall.register" -> {
                ObjectNode call = registered.computeIfAbsent(body.path("EXTERNAL_CALL_ID").asText(),
                        k -> body.deepCopy().put("CALL_ID", "externalCall." + (registered.size() + 1)));
                answer.putObject("result").put("CALL_ID", call.path("CALL_ID").asText());
            }
            case "telephony.externalcall.finish" -> {
                if (finished.putIfAbsent(body.path("CALL_ID").asText(), body) != null) {
                    ctx.status(400).result("{\"error\":\"ERROR_CALL_FINISHED\",\"error_description\":\"Call already finished\"}");
                    return;
                }
                answer.putObject("result").put("CALL_ID", body.path("CALL_ID").asText());
            }
            default -> {
                ctx.status(400).result("{\"error\":\"ERROR_METHOD_NOT_FOUND\"}");
                return;
            }
        }
        Integer toLose = lostAnswers.remove(method);
        if (toLose != null) { // done, but the answer never arrives
            if (toLose > 1) {
                lostAnswers.put(method, toLose - 1);
            }
            ctx.status(503).result("{\"error\":\"INTERNAL_SERVER_ERROR\"}");
            return;
        }
        ctx.contentType("application/json").result(answer.toString());
    }

    public ObjectNode putDeal(String id, String stage, String semantic, String amount, String contactId) {
        return putDeal(id, stage, semantic, amount, contactId, "2024-05-21T14:03:27+03:00");
    }

    /** @param modified {@code DATE_MODIFY}, ISO-8601 with the portal's offset */
    public ObjectNode putDeal(String id, String stage, String semantic, String amount, String contactId, String modified) {
        ObjectNode deal = JSON.createObjectNode().put("ID", id).put("STAGE_ID", stage).put("STAGE_SEMANTIC_ID", semantic)
                .put("CATEGORY_ID", "0").put("OPPORTUNITY", amount).put("CURRENCY_ID", "RUB").put("ASSIGNED_BY_ID", "1")
                .put("CONTACT_ID", contactId).put("DATE_MODIFY", modified);
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
        if (down || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
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
