package io.leadflow.funnel;

import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadStageChanged;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.ResponseEvidence;
import io.leadflow.avro.StageFigures;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.testing.EngineDriver;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Funnel figures from lead events through the engine topology, against hand-computed cases: entered per stage with
 * skipped stages, conversions, time in stage, won / lost / revenue, deal duration; a source correction and a
 * reassignment moving a lead between slices without counting it twice; weeks and months as their days summed; the
 * changes of a commit interval leaving as one sum per slice; the same events replayed giving the same figures.
 */
class FunnelTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-16T07:00:00Z"); // Monday 10:00 in Moscow
    private static final String CONFIG = """
            tenants:
              acme:
                timeZone: Europe/Moscow
                leads: {idSecret: test-lead-id-secret}
                mango: {apiKey: k, apiSalt: s}
                funnels:
                  sales:
                    stages:
                      - {id: created}
                      - {id: responded}
                      - {id: needs, crm: [PREPARATION]}
                      - {id: offer, crm: [PREPAYMENT_INVOICE]}
                      - {id: paid, crm: [WON]}
                  rental:
                    pipelines: ["3"]
                    stages:
                      - {id: created}
                      - {id: booked, crm: ["C3:NEW"]}
                  logistics:
                    parent: sales
                    pipelines: ["9"]
                    stages:
                      - {id: requested, crm: ["C9:NEW"]}
                      - {id: estimated, crm: ["C9:PREPARATION"]}
                      - {id: delivered, crm: ["C9:WON"]}
            """;

    @TempDir
    Path dir;

    @Test
    void conversionsTimesAndDealsOfADayCohortMatchTheHandComputedFigures() throws IOException {
        try (EngineDriver engine = engine("funnel-maths")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            // Given four leads on Monday:
            // L1 responded after 1 h, needs after 1 day, won after 3 days with 100 000
            created(log, "L1", T0, null);
            event(log, "L1", T0.plus(Duration.ofHours(1)), responded());
            event(log, "L1", T0.plus(Duration.ofDays(1)), stage("PREPARATION", null));
            event(log, "L1", T0.plus(Duration.ofDays(3)), closed(CloseOutcome.WON, 100_000.0));
            // L2 responded after 2 h (it opened at +2 h), lost the next day
            created(log, "L2", T0.plus(Duration.ofHours(2)), null);
            event(log, "L2", T0.plus(Duration.ofHours(4)), responded());
            event(log, "L2", T0.plus(Duration.ofDays(1)), closed(CloseOutcome.LOST, null));
            // L3 never answered
            created(log, "L3", T0.plus(Duration.ofHours(3)), null);
            // L4 straight to the offer after 2 days (responded and needs skipped: entered then too)
            created(log, "L4", T0.plus(Duration.ofHours(5)), null);
            event(log, "L4", T0.plus(Duration.ofDays(2)), stage("PREPAYMENT_INVOICE", null));

            // Then Monday's cohort of all leads has, per stage, the leads that got that far
            Map<FunnelKey, FunnelFigures> figures = latest(engine);
            FunnelFigures monday = figures.get(key("day", "2026-11-16", "all", "all"));
            assertThat(monday.getLeads()).isEqualTo(4);
            assertThat(monday.getStages()).extracting(StageFigures::getStage, StageFigures::getEntered).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("created", 4L), org.assertj.core.groups.Tuple.tuple("responded", 3L),
                    org.assertj.core.groups.Tuple.tuple("needs", 2L), org.assertj.core.groups.Tuple.tuple("offer", 2L),
                    org.assertj.core.groups.Tuple.tuple("paid", 1L));
            // time in "created": 1 h (L1), 2 h (L2), 43 h (L4); L3 has not left it
            var created = monday.getStages().get(0).getTimeInStage();
            assertThat(DurationSketches.count(created)).isEqualTo(3);
            assertThat(DurationSketches.quantile(created, 0.5)).isCloseTo(7_200, within(72.0));
            assertThat(DurationSketches.quantile(created, 1.0)).isCloseTo(43 * 3_600, within(43 * 36.0));
            assertThat(monday.getWon()).isEqualTo(1);
            assertThat(monday.getLost()).isEqualTo(1);
            assertThat(monday.getRevenue()).isEqualTo(100_000.0);
            assertThat(DurationSketches.quantile(monday.getDealDuration(), 0.5)).isCloseTo(3 * 86_400, within(3 * 864.0));
        }
    }

    @Test
    void weeksAndMonthsAreTheirTenantLocalDaysSummed() throws IOException {
        try (EngineDriver engine = engine("funnel-periods")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            // Given leads opened (Moscow time) on Monday 16th, Tuesday 17th, Sunday 22nd at 23:30 and Monday 23rd at
            // 00:30 (both Sunday in UTC), and Monday 30th; the first two responded after an hour and a day
            created(log, "L1", T0, null);
            event(log, "L1", T0.plus(Duration.ofHours(1)), responded());
            created(log, "L2", T0.plus(Duration.ofDays(1)), null);
            event(log, "L2", T0.plus(Duration.ofDays(2)), responded());
            created(log, "L3", Instant.parse("2026-11-22T20:30:00Z"), null);
            created(log, "L4", Instant.parse("2026-11-22T21:30:00Z"), null);
            created(log, "L5", Instant.parse("2026-11-30T07:00:00Z"), null);
            flush(engine);

            // Then the store keeps day cohorts only
            try (var all = figuresStore(engine).all()) {
                all.forEachRemaining(e -> assertThat(e.key.getPeriod()).isEqualTo("day"));
            }
            // and a week, a month or a range of them is the days in it summed, whatever day in them is asked from and to
            assertThat(leads(engine, "day", "2026-11-17", "2026-11-17")).isEqualTo(1);
            assertThat(leads(engine, "week", "2026-11-18", "2026-11-18")).isEqualTo(3);
            assertThat(leads(engine, "week", "2026-11-23", "2026-11-29")).isEqualTo(1);
            assertThat(leads(engine, "week", "2026-11-16", "2026-11-30")).isEqualTo(5);
            assertThat(leads(engine, "month", "2026-11-30", "2026-11-30")).isEqualTo(5);
            assertThat(leads(engine, "month", "2026-12-01", "2026-12-31")).isZero();
            // with the time-in-stage samples of both days merged
            FunnelFigures week;
            try (var all = figuresStore(engine).all()) {
                week = FunnelApi.cohorts(all, "acme", "sales", "week", LocalDate.parse("2026-11-16"), LocalDate.parse("2026-11-16"), "all").get("all");
            }
            assertThat(DurationSketches.count(week.getStages().get(0).getTimeInStage())).isEqualTo(2);
            assertThat(DurationSketches.quantile(week.getStages().get(0).getTimeInStage(), 1.0)).isCloseTo(86_400, within(864.0));
        }
    }

    @Test
    void theChangesToASliceWithinACommitIntervalLeaveAsOneSum() throws IOException {
        try (EngineDriver engine = engine("funnel-sums")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            var deltas = engine.output(engine.topics().funnelDeltas());
            // Given three leads opened within one commit interval, one of them assigned to anna and at once to boris
            created(log, "L1", T0, null);
            created(log, "L2", T0.plusSeconds(1), null);
            created(log, "L3", T0.plusSeconds(2), null);
            event(log, "L3", T0.plusSeconds(3), LeadAssigned.newBuilder().setOwner("anna").setTeam("sales").setRule("r").setReason("r").build());
            event(log, "L3", T0.plusSeconds(4), LeadAssigned.newBuilder().setOwner("boris").setTeam("sales").setRule("r").setReason("r").build());
            assertThat(deltas.isEmpty()).as("nothing leaves before the interval ends").isTrue();

            // When the interval ends
            flush(engine);

            // Then each slice they changed gets one delta, their sum; anna's, changed and changed back, gets none
            Map<FunnelKey, FunnelFigures> sent = new HashMap<>();
            deltas.readKeyValuesToList().forEach(kv -> assertThat(sent.put(kv.key, kv.value)).as("a second delta for %s", kv.key).isNull());
            assertThat(sent.get(key("day", "2026-11-16", "all", "all")).getLeads()).isEqualTo(3);
            assertThat(sent.get(key("day", "2026-11-16", "owner", "(none)")).getLeads()).isEqualTo(2);
            assertThat(sent.get(key("day", "2026-11-16", "owner", "boris")).getLeads()).isEqualTo(1);
            assertThat(sent).doesNotContainKey(key("day", "2026-11-16", "owner", "anna"));
            // and the next interval starts empty: one more response is one more delta per slice of its lead
            event(log, "L1", T0.plusSeconds(60), responded());
            flush(engine);
            var next = deltas.readKeyValuesToList();
            assertThat(next).hasSize(FunnelShares.DIMENSIONS.size());
            assertThat(next).allSatisfy(kv -> assertThat(kv.value.getLeads()).isZero());
            assertThat(latest(engine).get(key("day", "2026-11-16", "all", "all")).getStages().get(1).getEntered()).isEqualTo(1);
        }
    }

    @Test
    void aCorrectedSourceAndAReassignmentMoveTheLeadBetweenSlicesWithoutCountingItTwice() throws IOException {
        try (EngineDriver engine = engine("funnel-moves")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            // Given a lead the PBX reported (direct), assigned to anna
            created(log, "L1", T0, null);
            event(log, "L1", T0.plusSeconds(5), LeadAssigned.newBuilder().setOwner("anna").setTeam("sales").setRule("r").setReason("r").build());
            flush(engine);
            // When the tracker names the opening call's source, and the lead is reassigned to boris
            event(log, "L1", T0.plusSeconds(40), LeadTouched.newBuilder().setTouchId("ct:1").setChannel(TouchChannel.CALL)
                    .setVendor(Vendor.CALLTOUCH).setMissed(false).setCorrection(true).setCorrects("cause-L1").setTalkSeconds(0)
                    .setMarketing(marketing("yandex", "cpc")).build());
            event(log, "L1", T0.plus(Duration.ofHours(25)), LeadAssigned.newBuilder().setOwner("boris").setTeam("sales").setRule("r").setReason("r").build());

            // Then it is in yandex's and boris's slices, and no longer in direct's or anna's
            Map<FunnelKey, FunnelFigures> figures = latest(engine);
            assertThat(figures.get(key("day", "2026-11-16", "source", "yandex / cpc")).getLeads()).isEqualTo(1);
            assertThat(figures.get(key("day", "2026-11-16", "source", "(direct) / (none)")).getLeads()).isZero();
            assertThat(figures.get(key("day", "2026-11-16", "owner", "boris")).getLeads()).isEqualTo(1);
            assertThat(figures.get(key("day", "2026-11-16", "owner", "anna")).getLeads()).isZero();
            assertThat(figures.get(key("day", "2026-11-16", "all", "all")).getLeads()).isEqualTo(1);
        }
    }

    @Test
    void aDealInAnotherDirectionsPipelineMovesTheLeadToThatFunnel() throws IOException {
        try (EngineDriver engine = engine("funnel-pipelines")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            created(log, "L1", T0, null);
            flush(engine);
            event(log, "L1", T0.plus(Duration.ofHours(2)), stage("C3:NEW", "3"));

            Map<FunnelKey, FunnelFigures> figures = latest(engine);
            assertThat(figures.get(key("day", "2026-11-16", "all", "all")).getLeads()).isZero();
            FunnelFigures rental = figures.get(new FunnelKey("acme", "rental", "day", "2026-11-16", "all", "all"));
            assertThat(rental.getStages()).extracting(StageFigures::getEntered).containsExactly(1L, 1L);
        }
    }

    @Test
    void theRegionIsTheTrackersCityElseWhereTheNumberIsRegisteredAndTheProductIsTheDeals() throws IOException {
        try (EngineDriver engine = engine("funnel-region-product")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            // Given a lead whose tracked call came from Kazan, and one the PBX alone reported (a Russian mobile number)
            created(log, "L1", T0, MarketingSource.newBuilder(marketing("yandex", "cpc")).setCity("Kazan").build());
            created(log, "L2", T0.plusSeconds(60), null);
            flush(engine);
            // When L2's deal names its product, and the tracker's late report of its call says it came from Samara
            event(log, "L2", T0.plus(Duration.ofHours(1)), LeadStageChanged.newBuilder(stage("PREPARATION", null)).setProduct("Bathhouse").build());
            event(log, "L2", T0.plus(Duration.ofHours(2)), LeadTouched.newBuilder().setTouchId("ct:2").setChannel(TouchChannel.CALL)
                    .setVendor(Vendor.CALLTOUCH).setMissed(false).setCorrection(true).setCorrects("cause-L2").setTalkSeconds(0)
                    .setMarketing(MarketingSource.newBuilder(marketing("google", "cpc")).setCity("Samara").build()).build());

            // Then each lead is in its region's and product's slices, L2 moved out of "Russia" and "(none)"
            Map<FunnelKey, FunnelFigures> figures = latest(engine);
            assertThat(figures.get(key("day", "2026-11-16", "region", "Kazan")).getLeads()).isEqualTo(1);
            assertThat(figures.get(key("day", "2026-11-16", "region", "Samara")).getLeads()).isEqualTo(1);
            assertThat(figures.get(key("day", "2026-11-16", "region", "Russia")).getLeads()).isZero(); // L2 before the report
            assertThat(figures.get(key("day", "2026-11-16", "product", "Bathhouse")).getStages().get(2).getEntered()).isEqualTo(1);
            assertThat(figures.get(key("day", "2026-11-16", "product", "(none)")).getLeads()).isEqualTo(1);
        }
    }

    @Test
    void aLinkedDealOfAChildFunnelHasItsOwnStagesAndTimesAndLeavesTheLeadWhereItIs() throws IOException {
        try (EngineDriver engine = engine("funnel-child")) {
            TestInputTopic<ContactKey, LeadEvent> log = engine.input(engine.topics().leadEvents());
            // Given a lead won after a day
            created(log, "L1", T0, null);
            event(log, "L1", T0.plus(Duration.ofDays(1)), closed(CloseOutcome.WON, 100_000.0));
            // When logistics estimates its delivery: requested after 2 days, estimated a day later, then moved back
            event(log, "L1", T0.plus(Duration.ofDays(2)), child("C9:NEW"));
            event(log, "L1", T0.plus(Duration.ofDays(3)), child("C9:PREPARATION"));
            event(log, "L1", T0.plus(Duration.ofDays(4)), child("C9:NEW"));
            // and a second lead's estimate is requested and then dropped
            created(log, "L2", T0.plusSeconds(60), null);
            event(log, "L2", T0.plus(Duration.ofDays(2)), child("C9:NEW"));
            event(log, "L2", T0.plus(Duration.ofDays(3)), LeadStageChanged.newBuilder(child("C9:LOSE")).setChildOutcome("LOST").build());

            // Then the logistics funnel counts the lead in Monday's cohort with its own stage times, forward only
            Map<FunnelKey, FunnelFigures> figures = latest(engine);
            FunnelFigures logistics = figures.get(new FunnelKey("acme", "logistics", "day", "2026-11-16", "all", "all"));
            assertThat(logistics.getLeads()).isEqualTo(2);
            assertThat(logistics.getStages()).extracting(StageFigures::getEntered).containsExactly(2L, 1L, 0L);
            assertThat(DurationSketches.count(logistics.getStages().get(0).getTimeInStage())).isEqualTo(1);
            assertThat(DurationSketches.quantile(logistics.getStages().get(0).getTimeInStage(), 0.5)).isCloseTo(86_400, within(864.0));
            assertThat(logistics.getWon()).isZero(); // not delivered yet
            assertThat(logistics.getLost()).isEqualTo(1);
            // And the lead itself stays won in its own funnel, counted once
            FunnelFigures sales = figures.get(key("day", "2026-11-16", "all", "all"));
            assertThat(sales.getLeads()).isEqualTo(2);
            assertThat(sales.getLost()).isZero();
            assertThat(sales.getWon()).isEqualTo(1);
            assertThat(sales.getRevenue()).isEqualTo(100_000.0);
        }
    }

    @Test
    void replayingTheSameEventsGivesTheSameFigures() throws IOException {
        Map<FunnelKey, FunnelFigures> first;
        Map<FunnelKey, FunnelFigures> second;
        try (EngineDriver engine = engine("funnel-replay-1")) {
            someLeads(engine.input(engine.topics().leadEvents()));
            first = latest(engine);
        }
        try (EngineDriver engine = engine("funnel-replay-2")) {
            someLeads(engine.input(engine.topics().leadEvents()));
            second = latest(engine);
        }
        assertThat(first).isNotEmpty();
        assertThat(withoutTimes(second)).isEqualTo(withoutTimes(first));
    }

    private static void someLeads(TestInputTopic<ContactKey, LeadEvent> log) {
        for (int i = 0; i < 5; i++) {
            Instant at = T0.plus(Duration.ofHours(i * 7L));
            created(log, "L" + i, at, i % 2 == 0 ? marketing("google", "cpc") : null);
            event(log, "L" + i, at.plus(Duration.ofMinutes(10L * i)), responded());
            if (i % 3 == 0) {
                event(log, "L" + i, at.plus(Duration.ofDays(i + 1)), closed(CloseOutcome.WON, 1_000.0 * (i + 1)));
            }
        }
    }

    private static Map<FunnelKey, FunnelFigures> withoutTimes(Map<FunnelKey, FunnelFigures> figures) {
        Map<FunnelKey, FunnelFigures> stripped = new HashMap<>();
        figures.forEach((k, v) -> stripped.put(k, FunnelFigures.newBuilder(v).setEventId("").setUpdatedAt(Instant.EPOCH).build()));
        return stripped;
    }

    /** The funnel fed from the lead event log, as the lead task feeds it the events it emits. */
    private EngineDriver engine(String scope) throws IOException {
        LeadflowConfig config = LeadflowConfig.load(Files.writeString(dir.resolve(scope + ".yaml"), CONFIG));
        return new EngineDriver(scope, dir.resolve(scope), T0, (topics, streams) -> {
            Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streams)));
            var log = topics.leadEvents();
            topology.addSource("test-lead-events-source", log.keySerde().deserializer(), log.valueSerde().deserializer(), log.name());
            FunnelTopology.addTo(topology, topics, config, "test-lead-events-source");
            return topology;
        });
    }

    /** The end of a commit interval: the changes summed since the last one go to the aggregate. */
    private static void flush(EngineDriver engine) {
        engine.driver().advanceWallClockTime(Duration.ofSeconds(1));
    }

    private static KeyValueStore<FunnelKey, FunnelFigures> figuresStore(EngineDriver engine) {
        return engine.driver().getKeyValueStore(FunnelTopology.FIGURES_STORE);
    }

    /** Leads of the sales funnel's cohorts from {@code from} to {@code to}, as the funnel API adds them up. */
    private static long leads(EngineDriver engine, String period, String from, String to) {
        try (var all = figuresStore(engine).all()) {
            FunnelFigures figures = FunnelApi.cohorts(all, "acme", "sales", period, LocalDate.parse(from), LocalDate.parse(to), "all").get("all");
            return figures == null ? 0 : figures.getLeads();
        }
    }

    /** The latest figures per slice, once the pending changes are flushed (reading them consumes the output topic). */
    private static Map<FunnelKey, FunnelFigures> latest(EngineDriver engine) {
        flush(engine);
        Map<FunnelKey, FunnelFigures> latest = new HashMap<>();
        engine.output(engine.topics().funnelPerformance()).readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        return latest;
    }

    private static FunnelKey key(String period, String start, String dimension, String value) {
        return new FunnelKey("acme", "sales", period, start, dimension, value);
    }

    private static final Map<String, Long> SEQUENCES = new HashMap<>();

    private static void created(TestInputTopic<ContactKey, LeadEvent> log, String lead, Instant at, MarketingSource marketing) {
        event(log, lead, at, LeadCreated.newBuilder().setLeadClass(LeadClass.MISSED_CALL).setChannel(TouchChannel.CALL).setVendor(Vendor.MANGO)
                .setCallId(null).setLine("+74951234567").setAnsweredBy(null).setReturning(false).setTalkSeconds(0).setMarketing(marketing).build());
    }

    private static void event(TestInputTopic<ContactKey, LeadEvent> log, String lead, Instant at, Object payload) {
        String contact = "+7916000000" + lead.charAt(lead.length() - 1);
        long sequence = SEQUENCES.merge(lead, 1L, Long::sum);
        LeadEvent event = LeadEvent.newBuilder().setEventId(lead + "#" + payload.getClass().getSimpleName() + "#" + at + "#" + sequence)
                .setLeadId(lead).setTenant("acme").setContact(contact).setSequence(sequence).setOccurredAt(at)
                .setCauseId(payload instanceof LeadCreated ? "cause-" + lead : null).setPayload(payload).build();
        log.pipeInput(new ContactKey("acme", contact), event, at);
    }

    private static LeadResponded responded() {
        return LeadResponded.newBuilder().setEvidence(ResponseEvidence.INBOUND_ANSWERED).setBy("101").setCallId(null).setResponseMillis(0).build();
    }

    private static LeadStageChanged stage(String crmStage, String pipeline) {
        return LeadStageChanged.newBuilder().setFromStage(null).setToStage(crmStage).setCrmStageId(crmStage).setPipeline(pipeline).build();
    }

    private static LeadStageChanged child(String crmStage) {
        return LeadStageChanged.newBuilder(stage(crmStage, "9")).setChildFunnel("logistics").build();
    }

    private static LeadClosed closed(CloseOutcome outcome, Double amount) {
        return LeadClosed.newBuilder().setOutcome(outcome).setAmount(amount).setCrmStageId(null).build();
    }

    private static MarketingSource marketing(String source, String medium) {
        return MarketingSource.newBuilder().setSource(source).setMedium(medium).setCampaign(null).setContent(null).setTerm(null)
                .setKeyword(null).setLandingPage(null).setCity(null).build();
    }
}
