package io.leadflow.app;

import io.leadflow.attribution.AttributionModel;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ChannelPerformance;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.Fact;
import io.leadflow.simulate.Simulator;
import io.leadflow.simulate.TrafficGenerator;
import io.leadflow.simulate.TrafficModel;
import io.leadflow.testing.FakeBitrix24;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.PastWeek;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attribution acceptance: four weeks of one tenant's simulated traffic (Zadarma, CallTouch with sources and late
 * reports, Bitrix24 deals won with amounts), sent as signed webhooks while a simulated Bitrix24 portal answers the
 * engine's deal fetches. Per tenant-local day × source / medium / campaign × model, the leads and revenue on
 * {@code leadflow.channel-performance} equal what this test computes on its own from the simulator's record of
 * what really happened (each contact's touches with their true sources, each deal's final stage and amount), with
 * the models written out again here rather than borrowed from the engine. Which touches opened a lead, and which
 * lead a won deal closed, is taken from the lead event log: lead boundaries are the lifecycle's rules, tested on
 * their own (a replay this fast lets the CRM's later states reach the engine before calls made earlier, so which
 * lead a deal closes depends on arrival; the amount credited must not).
 */
class SimulatedMonthIT {
    private static final Logger log = LoggerFactory.getLogger(SimulatedMonthIT.class);
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "simulated-month-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant END = PastWeek.monday(0, 0);
    private static final Instant START = END.minus(Duration.ofDays(28));
    private static final ZoneId ZONE = ZoneId.of("Europe/Moscow");
    private static final Duration LOOKBACK = Duration.ofDays(7);
    private static final Duration HALF_LIFE = Duration.ofDays(3);

    @TempDir
    static Path dir;
    private static FakeBitrix24 portal;
    private static LeadflowConfig config;
    private static LeadflowNode node;
    private static Topics topics;
    /** What really happened: every touch sent, and each deal's last state sent. */
    private static final List<Fact.Touch> TOUCHES = java.util.Collections.synchronizedList(new ArrayList<>());
    private static final Map<String, Fact.DealState> DEALS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        portal = new FakeBitrix24();
        Path file = Files.writeString(dir.resolve("leadflow.yaml"), """
                tenants:
                  acme:
                    timeZone: Europe/Moscow
                    zadarma: {apiSecret: zd}
                    calltouch: {secret: ct}
                    bitrix24: {applicationToken: b24, restUrl: "%s", requestsPerSecond: 500}   # an on-premise portal: no cloud limit
                    attribution: {hashSecret: month-secret, lookback: %s, halfLife: %s}
                    funnels:
                      sales:
                        stages:
                          - {id: created}
                          - {id: responded}
                          - {id: needs, crm: [PREPARATION]}
                          - {id: offer, crm: [PREPAYMENT_INVOICE]}
                          - {id: contract, crm: [EXECUTING]}
                          - {id: paid, crm: [WON]}
                """.formatted(portal.restUrl(), LOOKBACK, HALF_LIFE));
        config = LeadflowConfig.load(file);
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        node = TestNodes.start(KAFKA.bootstrapServers(), REGISTRY, config, SCOPE, dir.resolve("state"), 2,
                LeadflowNode.Gateway.WEBHOOKS);
        node.awaitEngineRunning(Duration.ofSeconds(60));
        replayTheMonth();
    }

    /** Four weeks of traffic, with the portal serving each deal as the webhook about it is sent. */
    private static void replayTheMonth() throws Exception {
        Simulator.Report report;
        try (Simulator simulator = new Simulator(URI.create("http://127.0.0.1:" + node.httpPort()), 4)) {
            simulator.beforeSend(delivery -> {
                if (delivery.fact() instanceof Fact.Touch touch) {
                    TOUCHES.add(touch);
                } else if (delivery.fact() instanceof Fact.DealState deal) {
                    portal.putContact(deal.contactId(), deal.contact());
                    portal.putDeal(deal.dealId(), deal.stageId(), deal.semantic(), deal.amount() + ".00", deal.contactId(),
                            deal.modifiedAt().atZone(ZONE).toOffsetDateTime().toString());
                    DEALS.put(deal.dealId(), deal);
                }
            });
            // vendors deliver a month over a month: at 120 requests a second the engine (and the portal's answers to its
            // fetches) keep roughly in step with the traffic, as they do live, and the replay still takes well under a minute
            report = simulator.replay(new TrafficGenerator(TrafficModel.realistic(2026, 30), config.tenants(), START), END, 120);
        }
        assertThat(report.failed()).isZero();
        assertThat(report.refused()).isEmpty();
        assertThat(DEALS.values()).filteredOn(d -> d.semantic().equals("S")).hasSizeGreaterThan(10);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        portal.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void perChannelLeadsAndRevenueUnderEveryModelEqualAnIndependentComputation() throws Exception {
        List<Fact.Touch> touches = TOUCHES;
        Map<String, Fact.DealState> deals = DEALS;
        // When the engine has attributed everything: its channel figures match the independent ones (polled until they
        // do, or the time is up and the difference shows)
        Map<String, String> expected = Map.of();
        Map<String, String> actual = Map.of();
        List<Lead> leads = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            leads = leads(readAll(topics.leadEvents()));
            expected = IndependentAttribution.slices(leads, touches, deals.values());
            actual = channelPerformance();
            if (!leads.isEmpty() && expected.equals(actual)) {
                break;
            }
            Thread.sleep(2_000);
        }

        // Then every slice of every model has the same leads and revenue
        assertThat(leads).hasSizeGreaterThan(300);
        Map<String, String> differences = differences(expected, actual);
        if (!differences.isEmpty()) {
            explain(differences.keySet().iterator().next().substring(0, 10), leads, touches, deals.values());
        }
        assertThat(differences).as("slices where the engine differs").isEmpty();
        assertThat(actual).isEqualTo(expected);
        assertThat(readAll(topics.deadLetter())).isEmpty();
        log.info("Simulated month: {} touches, {} leads, {} deals ({} won); per channel over the month:\n{}", touches.size(),
                leads.size(), deals.size(), deals.values().stream().filter(d -> d.semantic().equals("S")).count(),
                IndependentAttribution.monthTotals(expected));
    }

    @Test
    void funnelFiguresOfEveryDayEqualAnIndependentComputationFromTheLeadEventLog() throws Exception {
        Map<String, String> expected = Map.of();
        Map<String, String> actual = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            expected = IndependentFunnel.slices(readAll(topics.leadEvents()), TOUCHES);
            actual = funnelPerformance();
            if (!expected.isEmpty() && expected.equals(actual)) {
                break;
            }
            Thread.sleep(2_000);
        }
        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(differences(expected, actual)).as("funnel slices where the engine differs").isEmpty();
        log.info("Simulated month, funnel per day (all leads):\n{}", expected.entrySet().stream().filter(e -> e.getKey().contains("| all |"))
                .map(e -> "  " + e.getKey() + "  " + e.getValue()).collect(java.util.stream.Collectors.joining("\n")));
    }

    /** The engine's latest day figures of every lead and every source, as {@link IndependentFunnel#slices} formats them. */
    private static Map<String, String> funnelPerformance() {
        Map<io.leadflow.avro.FunnelKey, io.leadflow.avro.FunnelFigures> latest = new HashMap<>();
        readAll(topics.funnelPerformance()).forEach(r -> latest.put(r.key(), r.value()));
        Map<String, String> slices = new TreeMap<>();
        latest.forEach((k, f) -> {
            if (k.getPeriod().equals("day") && (k.getDimension().equals("all") || k.getDimension().equals("source")) && f.getLeads() != 0) {
                slices.put(k.getStart() + " | " + k.getDimension() + " | " + k.getValue(), IndependentFunnel.figures(f.getLeads(),
                        f.getStages().stream().mapToLong(io.leadflow.avro.StageFigures::getEntered).toArray(), f.getWon(), f.getLost(), f.getRevenue()));
            }
        });
        return slices;
    }

    /**
     * The funnel as docs/funnel.md defines it, from the lead event log and written out independently of the engine: a lead
     * reaches created when it opens, responded at its first response, the CRM stages the month's funnel maps, and the
     * last stage when won — forward only, while open; it counts in the day it was created, under its opening touch's
     * true source.
     */
    static final class IndependentFunnel {
        private static final List<String> CRM_STAGES = List.of("", "", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "WON");

        private IndependentFunnel() {
        }

        static Map<String, String> slices(List<ConsumerRecord<ContactKey, LeadEvent>> log, List<Fact.Touch> touches) {
            Map<String, long[]> progress = new HashMap<>(); // lead → {furthest stage, open, won, lost}
            Map<String, Double> amounts = new HashMap<>();
            Map<String, LeadEvent> opened = new HashMap<>();
            for (ConsumerRecord<ContactKey, LeadEvent> record : log) {
                LeadEvent event = record.value();
                Object payload = event.getPayload();
                if (payload instanceof LeadCreated) {
                    progress.put(event.getLeadId(), new long[]{0, 1, 0, 0});
                    opened.put(event.getLeadId(), event);
                    continue;
                }
                long[] lead = progress.get(event.getLeadId());
                if (lead == null || lead[1] == 0) {
                    continue;
                }
                if (payload instanceof io.leadflow.avro.LeadResponded) {
                    lead[0] = Math.max(lead[0], 1);
                } else if (payload instanceof io.leadflow.avro.LeadStageChanged changed && CRM_STAGES.indexOf(changed.getCrmStageId()) > 1) {
                    lead[0] = Math.max(lead[0], CRM_STAGES.indexOf(changed.getCrmStageId()));
                } else if (payload instanceof LeadClosed closed) {
                    lead[1] = 0;
                    if (closed.getOutcome() == io.leadflow.avro.CloseOutcome.WON) {
                        lead[0] = CRM_STAGES.size() - 1;
                        lead[2] = 1;
                        amounts.put(event.getLeadId(), closed.getAmount() == null ? 0 : closed.getAmount());
                    } else {
                        lead[3] = 1;
                    }
                }
            }
            Map<String, long[]> counts = new TreeMap<>();
            Map<String, Double> revenue = new TreeMap<>();
            progress.forEach((id, lead) -> {
                LeadEvent created = opened.get(id);
                String day = LocalDate.ofInstant(created.getOccurredAt(), ZONE).toString();
                String source = touches.stream().filter(t -> created.getContact().equals("+" + t.contact()) && t.at().equals(created.getOccurredAt()))
                        .findFirst().map(t -> t.source() + " / " + t.medium()).orElse("(direct) / (none)");
                for (String slice : List.of(day + " | all | all", day + " | source | " + source)) {
                    long[] c = counts.computeIfAbsent(slice, k -> new long[CRM_STAGES.size() + 3]);
                    c[0]++;
                    for (int i = 0; i <= lead[0]; i++) {
                        c[1 + i]++;
                    }
                    c[CRM_STAGES.size() + 1] += lead[2];
                    c[CRM_STAGES.size() + 2] += lead[3];
                    revenue.merge(slice, amounts.getOrDefault(id, 0.0), Double::sum);
                }
            });
            Map<String, String> slices = new TreeMap<>();
            counts.forEach((slice, c) -> slices.put(slice, figures(c[0], java.util.Arrays.copyOfRange(c, 1, CRM_STAGES.size() + 1),
                    c[CRM_STAGES.size() + 1], c[CRM_STAGES.size() + 2], revenue.get(slice))));
            return slices;
        }

        static String figures(long leads, long[] entered, long won, long lost, double revenue) {
            return String.format(Locale.ROOT, "leads=%d entered=%s won=%d lost=%d revenue=%.2f", leads, java.util.Arrays.toString(entered),
                    won, lost, revenue);
        }
    }

    /** For a failure's message: the leads of a day whose revenue differs, with their deals, touches and events. */
    private static void explain(String day, List<Lead> leads, List<Fact.Touch> touches, java.util.Collection<Fact.DealState> deals) {
        Map<String, Double> expectedRevenue = IndependentAttribution.revenueByLead(leads, deals);
        Map<String, io.leadflow.avro.AttributionEvent> latest = new HashMap<>();
        readAll(topics.attribution()).forEach(r -> latest.merge(r.value().getLeadId(), r.value(),
                (a, b) -> a.getRevision() >= b.getRevision() ? a : b));
        var events = readAll(topics.leadEvents());
        StringBuilder out = new StringBuilder("Leads of " + day + " whose figures differ:\n");
        for (Lead lead : leads) {
            var attributed = latest.get(lead.leadId());
            double engineRevenue = attributed == null || attributed.getRevenue() == null ? 0 : attributed.getRevenue();
            List<String> engineSources = attributed == null ? List.of() : attributed.getTouches().stream().map(t -> t.getAt() + " " + t.getSource()).toList();
            List<String> trueSources = touches.stream().filter(t -> lead.contact().equals("+" + t.contact())
                            && !t.at().isAfter(lead.openedAt()) && !t.at().isBefore(lead.openedAt().minus(LOOKBACK)))
                    .sorted(Comparator.comparing(Fact.Touch::at)).map(t -> t.at() + " " + t.source()).toList();
            if (!LocalDate.ofInstant(lead.openedAt(), ZONE).toString().equals(day)
                    || Math.abs(engineRevenue - expectedRevenue.getOrDefault(lead.leadId(), 0.0)) < 0.01 && engineSources.equals(trueSources)) {
                continue;
            }
            out.append(lead).append(" expected revenue ").append(expectedRevenue.get(lead.leadId())).append(", engine ").append(engineRevenue).append('\n');
            deals.stream().filter(d -> lead.contact().equals("+" + d.contact()))
                    .forEach(d -> out.append("   deal ").append(d).append('\n'));
            touches.stream().filter(t -> lead.contact().equals("+" + t.contact()))
                    .forEach(t -> out.append("   truth ").append(t.at()).append(' ').append(t.source()).append('\n'));
            var engine = latest.get(lead.leadId());
            if (engine != null) {
                engine.getTouches().forEach(t -> out.append("   engine ").append(t.getAt()).append(' ').append(t.getSource())
                        .append(' ').append(t.getTouchId()).append('\n'));
            }
            events.stream().filter(r -> r.value().getContact().equals(lead.contact()))
                    .forEach(r -> out.append("   event ").append(r.value().getLeadId(), 0, 8).append(' ').append(r.value().getOccurredAt())
                            .append(' ').append(r.value().getPayload().getClass().getSimpleName()).append(' ').append(r.value().getCauseId()).append('\n'));
        }
        log.info("{}", out);
    }

    private static Map<String, String> differences(Map<String, String> expected, Map<String, String> actual) {
        Map<String, String> differences = new TreeMap<>();
        java.util.Set<String> slices = new java.util.TreeSet<>(expected.keySet());
        slices.addAll(actual.keySet());
        for (String slice : slices) {
            if (!java.util.Objects.equals(expected.get(slice), actual.get(slice))) {
                differences.put(slice, "expected " + expected.get(slice) + ", engine " + actual.get(slice));
            }
        }
        return differences;
    }

    /** Each lead of the log: its contact, when it opened, and what closed it (if anything did). */
    record Lead(String leadId, String contact, Instant openedAt, String closedBy) {
    }

    private static List<Lead> leads(List<ConsumerRecord<ContactKey, LeadEvent>> log) {
        Map<String, Lead> leads = new HashMap<>();
        for (ConsumerRecord<ContactKey, LeadEvent> record : log) {
            LeadEvent event = record.value();
            if (event.getPayload() instanceof LeadCreated) {
                leads.put(event.getLeadId(), new Lead(event.getLeadId(), event.getContact(), event.getOccurredAt(), null));
            } else if (event.getPayload() instanceof LeadClosed) {
                leads.computeIfPresent(event.getLeadId(), (id, lead) -> new Lead(id, lead.contact(), lead.openedAt(), event.getCauseId()));
            }
        }
        return List.copyOf(leads.values());
    }

    /** The compacted topic's latest value per slice, as {@link IndependentAttribution#slices} formats them. */
    private static Map<String, String> channelPerformance() {
        Map<ChannelKey, ChannelPerformance> latest = new HashMap<>();
        readAll(topics.channelPerformance()).forEach(r -> latest.put(r.key(), r.value()));
        Map<String, String> slices = new TreeMap<>();
        latest.values().forEach(p -> {
            if (Math.abs(p.getLeads()) > 1e-9 || Math.abs(p.getRevenue()) > 1e-6) {
                slices.put(IndependentAttribution.slice(p.getDay(), p.getModel(), p.getSource(), p.getMedium(), p.getCampaign()),
                        IndependentAttribution.figures(p.getLeads(), p.getRevenue()));
            }
        });
        return slices;
    }

    private static <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic) {
        return KafkaTestBroker.readCommittedUntil(KAFKA.bootstrapServers(), topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), records -> false, Duration.ofSeconds(3), Duration.ZERO);
    }

    /**
     * Attribution as docs/attribution.md defines it, written out independently of the engine's classes: a lead is
     * credited to its contact's touches within the lookback before it opened (the opening touch included); a won
     * deal's amount (the CRM's) belongs to the lead its win closed.
     */
    static final class IndependentAttribution {
        private IndependentAttribution() {
        }

        static Map<String, String> slices(List<Lead> leads, List<Fact.Touch> touches, Iterable<Fact.DealState> deals) {
            Map<String, List<Fact.Touch>> byContact = new HashMap<>();
            touches.forEach(t -> byContact.computeIfAbsent("+" + t.contact(), c -> new ArrayList<>()).add(t));
            Map<String, Double> revenueByLead = revenueByLead(leads, deals);
            Map<String, double[]> sums = new TreeMap<>();
            for (Lead lead : leads) {
                List<Fact.Touch> credited = byContact.getOrDefault(lead.contact(), List.of()).stream()
                        .filter(t -> !t.at().isAfter(lead.openedAt()) && !t.at().isBefore(lead.openedAt().minus(LOOKBACK)))
                        .sorted(Comparator.comparing(Fact.Touch::at)).toList();
                double revenue = revenueByLead.getOrDefault(lead.leadId(), 0.0);
                String day = LocalDate.ofInstant(lead.openedAt(), ZONE).toString();
                for (AttributionModel model : AttributionModel.values()) {
                    double[] credits = credits(model, credited, lead.openedAt());
                    for (int i = 0; i < credited.size(); i++) {
                        if (credits[i] == 0) {
                            continue;
                        }
                        Fact.Touch touch = credited.get(i);
                        double[] sum = sums.computeIfAbsent(slice(day, model.version(HALF_LIFE), touch.source(), touch.medium(),
                                touch.campaign() == null ? "" : touch.campaign()), k -> new double[2]);
                        sum[0] += credits[i];
                        sum[1] += credits[i] * revenue;
                    }
                }
            }
            Map<String, String> slices = new TreeMap<>();
            sums.forEach((slice, sum) -> slices.put(slice, figures(sum[0], sum[1])));
            return slices;
        }

        static Map<String, Double> revenueByLead(List<Lead> leads, Iterable<Fact.DealState> deals) {
            Map<String, Double> revenueByLead = new HashMap<>();
            for (Fact.DealState deal : deals) {
                if (deal.semantic().equals("S")) {
                    // the amount is the CRM's; the lead it belongs to is the one the win closed
                    String closing = "bitrix24:deal:" + deal.dealId() + ":" + deal.stageId();
                    leads.stream().filter(l -> closing.equals(l.closedBy()))
                            .forEach(l -> revenueByLead.merge(l.leadId(), (double) deal.amount(), Double::sum));
                }
            }
            return revenueByLead;
        }

        private static double[] credits(AttributionModel model, List<Fact.Touch> touches, Instant conversion) {
            int n = touches.size();
            double[] credits = new double[n];
            if (n == 0) {
                return credits;
            }
            switch (model) {
                case FIRST_TOUCH -> credits[0] = 1;
                case LAST_TOUCH -> credits[n - 1] = 1;
                case LAST_NON_DIRECT -> {
                    int chosen = n - 1;
                    while (chosen > 0 && touches.get(chosen).source().equals("(direct)")) {
                        chosen--;
                    }
                    credits[touches.get(chosen).source().equals("(direct)") ? n - 1 : chosen] = 1;
                }
                case LINEAR -> {
                    for (int i = 0; i < n; i++) {
                        credits[i] = 1.0 / n;
                    }
                }
                case POSITION_BASED -> {
                    for (int i = 0; i < n; i++) {
                        credits[i] = n <= 2 ? 1.0 / n : i == 0 || i == n - 1 ? 0.4 : 0.2 / (n - 2);
                    }
                }
                case TIME_DECAY -> {
                    double total = 0;
                    for (int i = 0; i < n; i++) {
                        double halfLives = Duration.between(touches.get(i).at(), conversion).toMillis() / (double) HALF_LIFE.toMillis();
                        credits[i] = Math.pow(0.5, halfLives);
                        total += credits[i];
                    }
                    for (int i = 0; i < n; i++) {
                        credits[i] /= total;
                    }
                }
            }
            return credits;
        }

        static String slice(String day, String model, String source, String medium, String campaign) {
            return day + " | " + model + " | " + source + " / " + medium + " / " + campaign;
        }

        /** Leads to 6 decimals (sums of fractions differ in the last bits by the order they were added in), revenue to kopecks. */
        static String figures(double leads, double revenue) {
            // (a slice a correction emptied may keep -0.0000000001: that is zero)
            return String.format(Locale.ROOT, "leads=%.6f revenue=%.2f", Math.abs(leads) < 5e-7 ? 0 : leads,
                    Math.abs(revenue) < 0.005 ? 0 : revenue);
        }

        /** Σ over the month per model and channel (source / medium), for the log. */
        static String monthTotals(Map<String, String> slices) {
            Map<String, double[]> totals = new TreeMap<>();
            slices.forEach((slice, figures) -> {
                String[] parts = slice.split(" \\| ");
                String channel = parts[1] + " | " + parts[2].substring(0, parts[2].lastIndexOf(" / "));
                String[] values = figures.replace("leads=", "").replace("revenue=", "").split(" ");
                double[] total = totals.computeIfAbsent(channel, k -> new double[2]);
                total[0] += Double.parseDouble(values[0]);
                total[1] += Double.parseDouble(values[1]);
            });
            StringBuilder out = new StringBuilder();
            totals.forEach((channel, t) -> out.append(String.format(Locale.ROOT, "  %-60s leads %8.2f revenue %,14.2f%n", channel, t[0], t[1])));
            return out.toString();
        }
    }
}
