package io.leadflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server shaped like an amoCRM account's API v4, for what the lead sink uses: {@code GET /api/v4/leads}
 * and {@code /contacts} with {@code query} (a full-text search; 204 and no body when nothing matches),
 * {@code POST /api/v4/leads/complex} (deals with an embedded new or existing contact; answers
 * {@code [{"id", "contact_id", ...}]}), {@code PATCH /api/v4/leads/{id}}, and a deal's notes
 * ({@code GET ...?filter[note_type]=}, {@code POST}). Requests need {@code Authorization: Bearer <token>}
 * (401 otherwise); outages and lost answers on demand.
 */
public final class FakeAmoCrm implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Long, ObjectNode> deals = new ConcurrentHashMap<>();
    private final Map<Long, ObjectNode> contacts = new ConcurrentHashMap<>();
    private final Map<Long, List<ObjectNode>> notes = new ConcurrentHashMap<>();
    private final Map<String, Integer> lostAnswers = new ConcurrentHashMap<>();
    private long nextId = 1000;
    private volatile boolean down;
    private volatile String token = "amo-token";
    /** Every request as {@code METHOD route}, e.g. {@code POST /api/v4/leads/{id}/notes}. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private final Javalin app;

    public FakeAmoCrm() {
        app = Javalin.create(c -> c.showJavalinBanner = false)
                .get("/api/v4/leads", ctx -> answer(ctx, "GET /api/v4/leads", () -> search(deals, "leads", ctx.queryParam("query"))))
                .get("/api/v4/contacts", ctx -> answer(ctx, "GET /api/v4/contacts", () -> search(contacts, "contacts", ctx.queryParam("query"))))
                .post("/api/v4/leads/complex", ctx -> answer(ctx, "POST /api/v4/leads/complex", () -> addComplex(ctx)))
                .patch("/api/v4/leads/{id}", ctx -> answer(ctx, "PATCH /api/v4/leads/{id}", () -> update(ctx)))
                .get("/api/v4/leads/{id}/notes", ctx -> answer(ctx, "GET /api/v4/leads/{id}/notes", () -> listNotes(ctx)))
                .post("/api/v4/leads/{id}/notes", ctx -> answer(ctx, "POST /api/v4/leads/{id}/notes", () -> addNotes(ctx)))
                .start("127.0.0.1", 0);
    }

    /** What a tenant configures as {@code amocrm.apiUrl}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    /** The bearer token the account accepts; any other gets 401 (a revoked or mistyped token). */
    public void acceptToken(String token) {
        this.token = token;
    }

    /** While down, every request is answered 503 (an outage). */
    public void down(boolean down) {
        this.down = down;
    }

    /** The next {@code METHOD route} request is carried out but answered 504, as when a reply is lost on its way back. */
    public void loseAnswerTo(String request) {
        lostAnswers.merge(request, 1, Integer::sum);
    }

    /** A contact already in the account, with a phone typed the way people type it. */
    public synchronized long putContact(String name, String phone) {
        long id = nextId++;
        ObjectNode contact = JSON.createObjectNode().put("id", id).put("name", name);
        contact.putArray("custom_fields_values").addObject().put("field_code", "PHONE").putArray("values").addObject()
                .put("value", phone).put("enum_code", "WORK");
        contacts.put(id, contact);
        return id;
    }

    public Map<Long, ObjectNode> deals() {
        return Map.copyOf(deals);
    }

    public Map<Long, ObjectNode> contacts() {
        return Map.copyOf(contacts);
    }

    public List<ObjectNode> notes(long dealId) {
        return List.copyOf(notes.getOrDefault(dealId, List.of()));
    }

    private interface Handler {
        JsonNode handle() throws Exception;
    }

    private synchronized void answer(Context ctx, String request, Handler handler) throws Exception {
        requests.add(request);
        if (down) {
            ctx.status(503).result("{\"title\":\"Service Unavailable\",\"status\":503}");
            return;
        }
        if (!("Bearer " + token).equals(ctx.header("Authorization"))) {
            ctx.status(401).result("{\"title\":\"Unauthorized\",\"type\":\"https://httpstatus.es/401\",\"status\":401,"
                    + "\"detail\":\"Неверный логин или пароль\"}");
            return;
        }
        JsonNode answer = handler.handle();
        Integer lose = lostAnswers.remove(request);
        if (lose != null) { // done, but the answer never arrives
            if (lose > 1) {
                lostAnswers.put(request, lose - 1);
            }
            ctx.status(504).result("Gateway Timeout");
        } else if (answer == null) {
            ctx.status(204);
        } else if (answer.has("status") && answer.path("status").asInt() >= 400) {
            ctx.status(answer.path("status").asInt()).contentType("application/problem+json").result(answer.toString());
        } else {
            ctx.contentType("application/hal+json").result(answer.toString());
        }
    }

    /** amoCRM's query matches any field's value, phones by their digits; an empty list is a 204. */
    private static JsonNode search(Map<Long, ObjectNode> entities, String kind, String query) {
        ArrayNode found = JSON.createArrayNode();
        entities.values().stream().filter(e -> query != null && (e.toString().contains(query) || phoneDigits(e).contains(query)))
                .forEach(found::add);
        if (found.isEmpty()) {
            return null;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("_embedded").set(kind, found);
        return answer;
    }

    private static String phoneDigits(JsonNode entity) {
        StringBuilder digits = new StringBuilder();
        for (JsonNode field : entity.path("custom_fields_values")) {
            if ("PHONE".equals(field.path("field_code").asText())) {
                field.path("values").forEach(v -> digits.append(v.path("value").asText().replaceAll("\\D", "")).append(' '));
            }
        }
        return digits.toString();
    }

    private JsonNode addComplex(Context ctx) throws Exception {
        ArrayNode answer = JSON.createArrayNode();
        for (JsonNode requested : JSON.readTree(ctx.body())) {
            ObjectNode deal = ((ObjectNode) requested).deepCopy();
            long id = nextId++;
            deal.put("id", id);
            JsonNode contact = requested.path("_embedded").path("contacts").path(0);
            long contactId;
            if (contact.has("id")) {
                contactId = contact.path("id").asLong();
                if (!contacts.containsKey(contactId)) {
                    return problem(400, "contact " + contactId + " not found");
                }
            } else {
                contactId = nextId++;
                contacts.put(contactId, ((ObjectNode) contact.deepCopy()).put("id", contactId));
            }
            ((ObjectNode) deal.path("_embedded")).putArray("contacts").addObject().put("id", contactId);
            deals.put(id, deal);
            answer.addObject().put("id", id).put("contact_id", contactId).putNull("company_id").put("merged", false)
                    .putArray("request_id").add("0");
        }
        return answer;
    }

    private JsonNode update(Context ctx) throws Exception {
        ObjectNode deal = deals.get(Long.parseLong(ctx.pathParam("id")));
        if (deal == null) {
            return problem(404, "deal not found");
        }
        JsonNode changes = JSON.readTree(ctx.body());
        JsonNode user = changes.path("responsible_user_id");
        if (!user.isIntegralNumber()) {
            return problem(400, "responsible_user_id must be an integer");
        }
        deal.setAll((ObjectNode) changes);
        return JSON.createObjectNode().put("id", deal.path("id").asLong()).put("updated_at", 1);
    }

    private JsonNode listNotes(Context ctx) {
        String type = ctx.queryParam("filter[note_type]");
        ArrayNode found = JSON.createArrayNode();
        notes.getOrDefault(Long.parseLong(ctx.pathParam("id")), List.of()).stream()
                .filter(n -> type == null || type.equals(n.path("note_type").asText())).forEach(found::add);
        if (found.isEmpty()) {
            return null;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("_embedded").set("notes", found);
        return answer;
    }

    private JsonNode addNotes(Context ctx) throws Exception {
        long dealId = Long.parseLong(ctx.pathParam("id"));
        if (!deals.containsKey(dealId)) {
            return problem(404, "deal not found");
        }
        ArrayNode added = JSON.createArrayNode();
        for (JsonNode requested : JSON.readTree(ctx.body())) {
            ObjectNode note = ((ObjectNode) requested).deepCopy().put("id", nextId++).put("entity_id", dealId);
            notes.computeIfAbsent(dealId, k -> new ArrayList<>()).add(note);
            added.addObject().put("id", note.path("id").asLong()).put("entity_id", dealId);
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("_embedded").set("notes", added);
        return answer;
    }

    private static JsonNode problem(int status, String detail) {
        return JSON.createObjectNode().put("title", "Bad Request").put("status", status).put("detail", detail);
    }

    @Override
    public void close() {
        app.stop();
    }
}
