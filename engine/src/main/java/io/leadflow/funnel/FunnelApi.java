package io.leadflow.funnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.leadflow.avro.ChildDeal;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.FunnelLead;
import io.leadflow.avro.StageFigures;
import io.leadflow.config.FunnelConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.engine.PeerQueries;
import io.leadflow.http.ApiException;
import io.leadflow.http.HttpServer;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.leadflow.engine.PeerQueries.date;
import static io.leadflow.engine.PeerQueries.enc;
import static io.leadflow.engine.PeerQueries.required;

/**
 * Funnel figures over HTTP: {@code GET /api/funnel?tenant=&funnel=&period=day|week|month&from=&to=&dimension=} adds up
 * the day cohorts of the periods from {@code from} to {@code to} (tenant-local) per value of the dimension (all, source,
 * owner, team, client, region, product) and gives, per stage, leads that entered it, conversion from the stage before and from the
 * first, time in stage (p50, p90 from the merged sketches), and — now, whatever the cohort — open leads in it (WIP),
 * those stuck longer than the stage allows, and a bottleneck flag. Slices are spread over the instances by key and
 * open leads by contact, so the instance asked collects the others' raw figures and merges them exactly.
 */
public final class FunnelApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DAYS = 366;
    /** A stage is a bottleneck when at least this many of its open leads, and this share of them, are stuck. */
    static final int BOTTLENECK_STUCK = 3;
    static final double BOTTLENECK_SHARE = 0.25;

    private final KafkaStreams streams;
    private final LeadflowConfig config;
    private final HostInfo self;
    private final Clock clock;
    private final PeerQueries peers = new PeerQueries();

    /** @param self this instance's {@code application.server}, or null for a single instance */
    public FunnelApi(KafkaStreams streams, LeadflowConfig config, HostInfo self, Clock clock) {
        this.streams = streams;
        this.config = config;
        this.self = self;
        this.clock = clock;
    }

    public void mount(HttpServer server) {
        server.routes().get("/api/funnel", this::funnel);
    }

    private void funnel(Context ctx) throws IOException, InterruptedException {
        String tenant = required(ctx, "tenant");
        TenantConfig settings = config.tenant(tenant).orElseThrow(() -> new ApiException(404, "unknown_tenant", "No tenant '" + tenant + "'"));
        String funnelId = ctx.queryParam("funnel") == null ? settings.funnels().keySet().iterator().next() : ctx.queryParam("funnel");
        FunnelConfig funnel = settings.funnels().get(funnelId);
        if (funnel == null) {
            throw new ApiException(404, "unknown_funnel", "Tenant '" + tenant + "' has no funnel '" + funnelId + "'; it has " + settings.funnels().keySet());
        }
        String period = choice(ctx, "period", "week", FunnelShares.PERIODS);
        String dimension = choice(ctx, "dimension", "all", FunnelShares.DIMENSIONS);
        LocalDate to = date(ctx, "to", LocalDate.now(clock.withZone(settings.zone())));
        LocalDate from = FunnelShares.start(period, date(ctx, "from", to.minusDays(27)));
        if (from.isAfter(to) || from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new ApiException(400, "invalid_range", "'from' must not be after 'to', and at most " + MAX_DAYS + " days before it");
        }
        Local local = local(tenant, funnelId, funnel, period, from, to, dimension);
        if (PeerQueries.forwarded(ctx)) {
            ctx.status(200).contentType("application/json").result(local.toJson().toString());
            return;
        }
        List<Local> all = new ArrayList<>(List.of(local));
        if (self != null) {
            String question = "/api/funnel?tenant=" + enc(tenant) + "&funnel=" + enc(funnelId) + "&period=" + period + "&from=" + from
                    + "&to=" + to + "&dimension=" + dimension;
            for (StreamsMetadata instance : streams.streamsMetadataForStore(FunnelTopology.FIGURES_STORE)) {
                if (!self.equals(instance.hostInfo())) {
                    HttpResponse<String> answer = peers.ask(instance.hostInfo(), question);
                    if (answer.statusCode() != 200) {
                        throw PeerQueries.notReady();
                    }
                    all.add(Local.fromJson(JSON.readTree(answer.body())));
                }
            }
        }
        ObjectNode answer = JSON.createObjectNode().put("tenant", tenant).put("funnel", funnelId).put("period", period)
                .put("from", from.toString()).put("to", to.toString()).put("dimension", dimension);
        if (funnel.isChild()) {
            answer.put("parent", funnel.parent());
        }
        ArrayNode funnels = answer.putArray("funnels"); // the tenant's funnels, for a client to offer
        settings.funnels().forEach((id, f) -> funnels.addObject().put("id", id).put("parent", f.parent()));
        ArrayNode stages = answer.putArray("stages");
        funnel.stages().forEach(s -> stages.addObject().put("id", s.id()).put("name", s.name()).put("stuckAfter", s.stuckAfter().toString()));
        answer.set("slices", slices(funnel, all));
        ctx.status(200).contentType("application/json").result(answer.toString());
    }

    /** What one instance has: the figures of its slices (by value), and its open leads per value and stage. */
    record Local(Map<String, FunnelFigures> figures, Map<String, long[][]> wip) {
        /** wip[value][stage] = {open, stuck, oldest age in seconds}. */
        JsonNode toJson() {
            ObjectNode json = JSON.createObjectNode();
            ObjectNode f = json.putObject("figures");
            figures.forEach((value, figures) -> f.put(value, avroJson(figures)));
            ObjectNode w = json.putObject("wip");
            wip.forEach((value, stages) -> w.set(value, JSON.valueToTree(stages)));
            return json;
        }

        static Local fromJson(JsonNode json) {
            Map<String, FunnelFigures> figures = new TreeMap<>();
            json.path("figures").fields().forEachRemaining(e -> figures.put(e.getKey(), fromAvroJson(e.getValue().asText())));
            Map<String, long[][]> wip = new TreeMap<>();
            json.path("wip").fields().forEachRemaining(e -> wip.put(e.getKey(), JSON.convertValue(e.getValue(), long[][].class)));
            return new Local(figures, wip);
        }
    }

    private Local local(String tenant, String funnelId, FunnelConfig funnel, String period, LocalDate from, LocalDate to, String dimension) {
        Map<String, FunnelFigures> figures;
        Map<String, long[][]> wip = new TreeMap<>();
        try {
            try (KeyValueIterator<FunnelKey, FunnelFigures> all = streams.store(StoreQueryParameters.fromNameAndType(
                    FunnelTopology.FIGURES_STORE, QueryableStoreTypes.<FunnelKey, FunnelFigures>keyValueStore())).all()) {
                figures = cohorts(all, tenant, funnelId, period, from, to, dimension);
            }
            Instant now = clock.instant();
            try (KeyValueIterator<String, FunnelLead> leads = streams.store(StoreQueryParameters.fromNameAndType(
                    FunnelTopology.LEADS_STORE, QueryableStoreTypes.<String, FunnelLead>keyValueStore())).all()) {
                leads.forEachRemaining(e -> {
                    FunnelLead lead = e.value;
                    List<Instant> reached = lead.getTenant().equals(tenant) ? open(lead, funnelId, funnel) : null;
                    if (reached != null) {
                        int stage = reached.size() - 1;
                        long age = Math.max(0, Duration.between(reached.get(stage), now).toSeconds());
                        long[] cell = wip.computeIfAbsent(FunnelShares.value(lead, dimension), v -> new long[funnel.stages().size()][3])[stage];
                        cell[0]++;
                        cell[1] += age > funnel.stages().get(stage).stuckAfter().toSeconds() ? 1 : 0;
                        cell[2] = Math.max(cell[2], age);
                    }
                });
            }
        } catch (InvalidStateStoreException e) {
            throw PeerQueries.notReady();
        }
        return new Local(figures, wip);
    }

    /**
     * The figures of the periods from the one holding {@code from} to the one holding {@code to} per value of {@code
     * dimension}: the day cohorts in them, summed.
     */
    static Map<String, FunnelFigures> cohorts(Iterator<KeyValue<FunnelKey, FunnelFigures>> days, String tenant, String funnelId,
                                              String period, LocalDate from, LocalDate to, String dimension) {
        LocalDate first = FunnelShares.start(period, from);
        LocalDate last = FunnelShares.end(period, to);
        Map<String, FunnelFigures> figures = new TreeMap<>();
        days.forEachRemaining(e -> {
            FunnelKey k = e.key;
            if (k.getTenant().equals(tenant) && k.getFunnel().equals(funnelId) && k.getPeriod().equals(FunnelShares.COHORT)
                    && k.getDimension().equals(dimension)) {
                LocalDate day = LocalDate.parse(k.getStart());
                if (!day.isBefore(first) && !day.isAfter(last)) {
                    figures.merge(k.getValue(), e.value, FunnelShares::sum);
                }
            }
        });
        return figures;
    }

    /**
     * Where the lead waits in {@code funnel}, if it does: an open lead in its own funnel; in a child funnel, its linked deal
     * until that reaches the last stage. Null when it is not waiting there.
     */
    private static List<Instant> open(FunnelLead lead, String funnelId, FunnelConfig funnel) {
        if (funnel.isChild()) {
            ChildDeal deal = lead.getChildren().get(funnelId);
            return deal == null || !FunnelProgress.OPEN.equals(deal.getOutcome()) || deal.getReached().isEmpty()
                    || deal.getReached().size() == funnel.stages().size() ? null : deal.getReached();
        }
        return lead.getFunnel().equals(funnelId) && FunnelProgress.OPEN.equals(lead.getOutcome()) ? lead.getReached() : null;
    }

    /** Every instance's figures and open leads merged, per slice value, with the rates and percentiles people read. */
    private static ArrayNode slices(FunnelConfig funnel, List<Local> instances) {
        Map<String, FunnelFigures> figures = new TreeMap<>();
        Map<String, long[][]> wip = new TreeMap<>();
        for (Local local : instances) {
            local.figures().forEach((value, f) -> figures.merge(value, f, FunnelShares::sum));
            local.wip().forEach((value, stages) -> wip.merge(value, stages, FunnelApi::addWip));
        }
        java.util.Set<String> values = new java.util.TreeSet<>(figures.keySet());
        values.addAll(wip.keySet());
        ArrayNode slices = JSON.createArrayNode();
        for (String value : values) {
            FunnelFigures f = figures.get(value);
            long[][] open = wip.getOrDefault(value, new long[funnel.stages().size()][3]);
            ObjectNode slice = slices.addObject().put("value", value);
            slice.put("leads", f == null ? 0 : f.getLeads()).put("won", f == null ? 0 : f.getWon()).put("lost", f == null ? 0 : f.getLost())
                    .put("revenue", f == null ? 0 : f.getRevenue());
            if (f != null && f.getWon() > 0) {
                slice.put("averageDeal", f.getRevenue() / f.getWon());
            } else {
                slice.putNull("averageDeal");
            }
            slice.set("dealDuration", percentiles(f == null ? DurationSketches.empty() : f.getDealDuration()));
            ArrayNode stages = slice.putArray("stages");
            long first = 0;
            long previous = 0;
            for (int i = 0; i < funnel.stages().size(); i++) {
                String id = funnel.stages().get(i).id();
                StageFigures s = f == null ? null : f.getStages().stream().filter(x -> x.getStage().equals(id)).findFirst().orElse(null);
                long entered = s == null ? 0 : s.getEntered();
                first = i == 0 ? entered : first;
                ObjectNode stage = stages.addObject().put("stage", id).put("name", funnel.stages().get(i).name()).put("entered", entered);
                ratio(stage, "conversionFromPrevious", i == 0 ? null : entered, previous);
                ratio(stage, "conversionFromFirst", i == 0 ? null : entered, first);
                stage.set("timeInStage", percentiles(s == null ? DurationSketches.empty() : s.getTimeInStage()));
                long[] now = i < open.length ? open[i] : new long[3];
                stage.put("wip", now[0]).put("stuck", now[1]).put("oldestAgeSeconds", now[2])
                        .put("bottleneck", now[1] >= BOTTLENECK_STUCK && now[1] >= BOTTLENECK_SHARE * now[0]);
                previous = entered;
            }
        }
        return slices;
    }

    private static void ratio(ObjectNode node, String name, Long part, long whole) {
        if (part == null || whole == 0) {
            node.putNull(name);
        } else {
            node.put(name, (double) part / whole);
        }
    }

    private static ObjectNode percentiles(io.leadflow.avro.DurationSketch sketch) {
        ObjectNode node = JSON.createObjectNode().put("count", DurationSketches.count(sketch));
        Double p50 = DurationSketches.quantile(sketch, 0.5);
        Double p90 = DurationSketches.quantile(sketch, 0.9);
        node.put("p50Seconds", p50 == null ? null : Math.round(p50 * 10) / 10.0);
        node.put("p90Seconds", p90 == null ? null : Math.round(p90 * 10) / 10.0);
        return node;
    }

    private static long[][] addWip(long[][] a, long[][] b) {
        long[][] sum = new long[Math.max(a.length, b.length)][3];
        for (long[][] x : List.of(a, b)) {
            for (int i = 0; i < x.length; i++) {
                sum[i][0] += x[i][0];
                sum[i][1] += x[i][1];
                sum[i][2] = Math.max(sum[i][2], x[i][2]);
            }
        }
        return sum;
    }

    private static String avroJson(FunnelFigures figures) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(FunnelFigures.getClassSchema(), out);
            new SpecificDatumWriter<>(FunnelFigures.class).write(figures, encoder);
            encoder.flush();
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FunnelFigures fromAvroJson(String json) {
        try {
            return new SpecificDatumReader<>(FunnelFigures.class).read(null,
                    DecoderFactory.get().jsonDecoder(FunnelFigures.getClassSchema(), json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String choice(Context ctx, String name, String otherwise, List<String> allowed) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        if (!allowed.contains(value)) {
            throw new ApiException(400, "invalid_" + name, "'" + name + "' must be one of " + allowed + ", not '" + value + "'");
        }
        return value;
    }
}
