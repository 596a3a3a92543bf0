package io.leadflow.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ChannelPerformance;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.engine.PeerQueries;
import io.leadflow.http.ApiException;
import io.leadflow.http.HttpServer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.leadflow.engine.PeerQueries.date;
import static io.leadflow.engine.PeerQueries.enc;
import static io.leadflow.engine.PeerQueries.required;

/**
 * Channel performance over HTTP: {@code GET /api/channels?tenant=&from=&to=[&model=]} gives the figures of every
 * channel slice of those days (tenant-local, both included; default the last 30), for every model or one
 * ({@code model=linear}). Slices are spread over the instances by key, so the instance asked collects the others'.
 */
public final class ChannelApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DAYS = 366;

    private final KafkaStreams streams;
    private final LeadflowConfig config;
    private final HostInfo self;
    private final PeerQueries peers = new PeerQueries();

    /** @param self this instance's {@code application.server}, or null for a single instance */
    public ChannelApi(KafkaStreams streams, LeadflowConfig config, HostInfo self) {
        this.streams = streams;
        this.config = config;
        this.self = self;
    }

    public void mount(HttpServer server) {
        server.routes().get("/api/channels", this::channels);
    }

    private void channels(Context ctx) throws IOException, InterruptedException {
        String tenant = required(ctx, "tenant");
        TenantConfig settings = config.tenant(tenant).orElseThrow(() -> new ApiException(404, "unknown_tenant", "No tenant '" + tenant + "'"));
        if (settings.attribution() == null) {
            throw new ApiException(404, "no_attribution", "Tenant '" + tenant + "' has no attribution (attribution.hashSecret)");
        }
        LocalDate to = date(ctx, "to", LocalDate.now(settings.zone()));
        LocalDate from = date(ctx, "from", to.minusDays(29));
        if (from.isAfter(to) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new ApiException(400, "invalid_range", "'from' must not be after 'to', and at most " + MAX_DAYS + " days before it");
        }
        String model = ctx.queryParam("model");
        ArrayNode rows = JSON.createArrayNode();
        local(tenant, from, to, model).forEach(row -> rows.add(JSON.valueToTree(row)));
        if (self != null && !PeerQueries.forwarded(ctx)) {
            String question = "/api/channels?tenant=" + enc(tenant) + "&from=" + from + "&to=" + to + (model == null ? "" : "&model=" + enc(model));
            for (StreamsMetadata instance : streams.streamsMetadataForStore(AttributionTopology.FIGURES_STORE)) {
                if (!self.equals(instance.hostInfo())) {
                    HttpResponse<String> answer = peers.ask(instance.hostInfo(), question);
                    if (answer.statusCode() != 200) {
                        throw PeerQueries.notReady();
                    }
                    JSON.readTree(answer.body()).path("rows").forEach(rows::add);
                }
            }
        }
        List<JsonNode> sorted = new ArrayList<>();
        rows.forEach(sorted::add);
        sorted.sort(Comparator.comparing((JsonNode r) -> r.path("day").asText()).thenComparing(r -> r.path("model").asText())
                .thenComparing(r -> -r.path("leads").asDouble()).thenComparing(r -> r.path("source").asText())
                .thenComparing(r -> r.path("medium").asText()).thenComparing(r -> r.path("campaign").asText()));
        ObjectNode answer = JSON.createObjectNode().put("tenant", tenant).put("from", from.toString()).put("to", to.toString());
        answer.putArray("rows").addAll(sorted);
        ctx.status(200).contentType("application/json").result(answer.toString());
    }

    /** The slices on this instance's tasks. */
    private List<Row> local(String tenant, LocalDate from, LocalDate to, String model) {
        List<Row> rows = new ArrayList<>();
        try (KeyValueIterator<ChannelKey, ChannelPerformance> all = streams.store(StoreQueryParameters.fromNameAndType(
                AttributionTopology.FIGURES_STORE, QueryableStoreTypes.<ChannelKey, ChannelPerformance>keyValueStore())).all()) {
            all.forEachRemaining(entry -> {
                ChannelPerformance p = entry.value;
                LocalDate day = LocalDate.parse(p.getDay());
                boolean modelMatches = model == null || p.getModel().startsWith(model + "/") || p.getModel().equals(model);
                boolean empty = p.getLeads() == 0 && p.getUniqueContacts() == 0;
                if (p.getTenant().equals(tenant) && !day.isBefore(from) && !day.isAfter(to) && modelMatches && !empty) {
                    rows.add(Row.of(p));
                }
            });
        } catch (InvalidStateStoreException e) {
            throw PeerQueries.notReady();
        }
        return rows;
    }

    /** One slice as JSON shows it. */
    record Row(String day, String model, String source, String medium, String campaign, double leads, long uniqueContacts,
               double answered, double respondedWithinSla, double qualified, double won, double revenue) {
        static Row of(ChannelPerformance p) {
            return new Row(p.getDay(), p.getModel(), p.getSource(), p.getMedium(), p.getCampaign(), p.getLeads(), p.getUniqueContacts(),
                    p.getAnswered(), p.getRespondedWithinSla(), p.getQualified(), p.getWon(), p.getRevenue());
        }
    }
}
