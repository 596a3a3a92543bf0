package io.leadflow.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.AmoCrmConfig;
import io.leadflow.http.HealthChecks;
import io.leadflow.http.HttpServer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The amoCRM accounts behind simulated deals: the simulator's amoCRM webhooks say a deal moved, and the engine asks
 * the account for the deal and its contact ({@code GET /api/v4/leads/{id}?with=contacts}, {@code /api/v4/contacts/{id}})
 * as it would a real one. Fed with what really happened ({@link Fact.DealState}) before each webhook is sent; one account
 * per tenant at {@code <base>/<tenant>}. Local mode's {@code --demo} runs it so that demo deals move leads through the
 * funnel.
 */
public final class SimulatedAmoCrm implements Consumer<Delivery>, AutoCloseable {
    static final String TOKEN = "simulated-amocrm-token";
    /** The deal field naming the product, and what the simulated deals sell (by deal id: no randomness to disturb). */
    static final long PRODUCT_FIELD = 900_001;
    private static final String[] PRODUCTS = {"Turnkey house", "Bathhouse", "Renovation"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> deals = new ConcurrentHashMap<>(); // tenant/id → lead
    private final Map<String, ObjectNode> contacts = new ConcurrentHashMap<>(); // tenant/id → contact
    private final HttpServer server;

    private SimulatedAmoCrm(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code host}, on a port of its own. */
    public static SimulatedAmoCrm start(String host) {
        HttpServer server = new HttpServer(new HealthChecks(), 64 * 1024);
        SimulatedAmoCrm account = new SimulatedAmoCrm(server);
        server.routes()
                .get("/{tenant}/api/v4/leads/{id}", ctx -> account.answer(ctx, account.deals))
                .get("/{tenant}/api/v4/contacts/{id}", ctx -> account.answer(ctx, account.contacts));
        server.start(host, 0);
        return account;
    }

    /**
     * {@code config} with this account's API given to every tenant whose amoCRM section has webhooks only: their
     * simulated deals can then be fetched. Tenants with a real account keep it.
     */
    public LeadflowConfig serving(LeadflowConfig config, String host) {
        Map<String, TenantConfig> tenants = new HashMap<>(config.tenants());
        tenants.replaceAll((id, tenant) -> {
            AmoCrmConfig amo = tenant.amocrm();
            if (amo == null || amo.apiUrl() != null) {
                return tenant;
            }
            return tenant.withAmoCrm(new AmoCrmConfig(amo.secret(), "http://" + host + ":" + server.port() + "/" + id, TOKEN,
                    null, 50.0, PRODUCT_FIELD)); // a simulated account has no rate limit worth simulating
        });
        return new LeadflowConfig(tenants);
    }

    /** Keeps each simulated amoCRM deal as the account would show it after the change the delivery reports. */
    @Override
    public void accept(Delivery delivery) {
        if (delivery.vendor() != Vendor.AMOCRM || !(delivery.fact() instanceof Fact.DealState deal)) {
            return;
        }
        ObjectNode lead = JSON.createObjectNode()
                .put("id", Long.parseLong(deal.dealId()))
                .put("name", "Deal #" + deal.dealId())
                .put("price", deal.amount())
                .put("status_id", Long.parseLong(deal.stageId()))
                .put("pipeline_id", 1)
                .put("updated_at", deal.modifiedAt().getEpochSecond());
        if (!"P".equals(deal.semantic())) {
            lead.put("closed_at", deal.modifiedAt().getEpochSecond());
        }
        lead.putArray("custom_fields_values").addObject().put("field_id", PRODUCT_FIELD).put("field_name", "Product")
                .putArray("values").addObject().put("value", PRODUCTS[(int) Math.floorMod(Long.parseLong(deal.dealId()), PRODUCTS.length)]);
        lead.putObject("_embedded").putArray("contacts").addObject().put("id", Long.parseLong(deal.contactId())).put("is_main", true);
        deals.put(deal.tenant() + "/" + deal.dealId(), lead);
        ObjectNode contact = JSON.createObjectNode().put("id", Long.parseLong(deal.contactId())).put("name", "Client " + deal.contactId());
        contact.putArray("custom_fields_values").addObject().put("field_code", "PHONE").put("field_name", "Телефон")
                .putArray("values").addObject().put("value", "+" + deal.contact()).put("enum_code", "WORK");
        contacts.put(deal.tenant() + "/" + deal.contactId(), contact);
    }

    private void answer(Context ctx, Map<String, ObjectNode> entities) {
        if (!("Bearer " + TOKEN).equals(ctx.header("Authorization"))) {
            ctx.status(401).json(Map.of("title", "Unauthorized", "status", 401));
            return;
        }
        ObjectNode entity = entities.get(ctx.pathParam("tenant") + "/" + ctx.pathParam("id"));
        if (entity == null) {
            ctx.status(204); // amoCRM answers an unknown id with no content
        } else {
            ctx.contentType("application/hal+json").result(entity.toString());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
