package io.leadflow.sla;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadCallbackDue;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.SlaBreached;
import io.leadflow.avro.SlaEscalated;
import io.leadflow.avro.SlaWarning;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.testing.CanonicalInput;
import io.leadflow.testing.EngineDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Response SLAs through the whole engine topology in a TopologyTestDriver, with its wall clock moved by hand:
 * business hours over a weekend and a holiday, warnings, the breach, the reassignment, a response just before and
 * just after the deadline, callbacks, stage limits, and the same output however the wall clock moves while the
 * engine catches up.
 */
class SlaTopologyTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final ContactKey CALLER = new ContactKey("acme", "+79161234567");
    private static final String CONFIG = """
            tenants:
              acme:
                timeZone: Europe/Moscow
                leads: {idSecret: test-lead-id-secret}
                mango: {apiKey: k, apiSalt: s}
                roster:
                  teams: {sales: {fallback: true, lead: olga}}
                  managers:
                    anna:  {team: sales, extensions: ["101"]}
                    boris: {team: sales, extensions: ["102"]}
                    olga:  {team: sales, extensions: ["199"], available: false}
                sla:
                  businessHours: {weekly: {MON-FRI: ["09:00-18:00"]}}
                  holidays: [%s]
                  policies:
                    missed_call: {target: PT2H, clock: business, warnAt: [0.5], informed: [head], reassignAfter: PT1H}
                    answered_call: {target: PT24H}
                  stages:
                    "C1:PREPARATION": {target: PT9H, clock: business, accountable: olga}   # one working day
                  callbacks: %s
            """;

    @TempDir
    Path dir;

    @Test
    void aMissedCallOnFriday1855WithATwoWorkingHourSlaBreachesOnMondayAt1100NotBefore() throws IOException {
        // Given business hours Mon–Fri 09:00–18:00 in Moscow and a 2-working-hour SLA for missed calls
        try (EngineDriver engine = engine("", "[]", at(2026, 11, 20, 18, 56))) {
            // When a call is missed on Friday at 18:55
            missedCall(engine, at(2026, 11, 20, 18, 55));

            // Then the whole weekend passes with nothing but the half-time warning at Monday 10:00
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 20, 18, 56), at(2026, 11, 23, 10, 59, 59)));
            List<LeadEvent> beforeDeadline = slaEvents(engine);
            assertThat(beforeDeadline).extracting(e -> e.getPayload().getClass().getSimpleName() + "@" + local(e.getOccurredAt()))
                    .containsExactly("SlaWarning@2026-11-23T10:00");
            assertThat(((SlaWarning) beforeDeadline.get(0).getPayload()).getNotify()).containsExactly("anna");

            // and the breach at Monday 11:00 sharp, to the owner and the team lead
            engine.driver().advanceWallClockTime(Duration.ofSeconds(1));
            List<LeadEvent> atDeadline = slaEvents(engine);
            assertThat(atDeadline).extracting(e -> e.getPayload().getClass().getSimpleName() + "@" + local(e.getOccurredAt()))
                    .containsExactly("SlaBreached@2026-11-23T11:00");
            assertThat(((SlaBreached) atDeadline.get(0).getPayload()).getNotify()).containsExactly("anna", "olga");
            List<Alert> alerts = alerts(engine);
            assertThat(alerts).extracting(Alert::getKind).containsExactly(AlertKind.SLA_WARNING, AlertKind.SLA_BREACHED);
            assertThat(alerts.get(1).getRecipients()).containsExactly("anna", "olga");
            assertThat(alerts.get(1).getDeadline()).isEqualTo(at(2026, 11, 23, 11, 0));
            assertThat(alerts.get(1).getAlertId()).as("deterministic, so a sink can deliver it once").endsWith("/response:MISSED_CALL/1");
        }
    }

    @Test
    void theMetricsCountOpenLeadsBySlaStateBreachesByOwnerAndResponseTimes() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path config = Files.writeString(dir.resolve("metrics.yaml"), CONFIG.formatted("", "[]"));
        try (EngineDriver engine = new EngineDriver("sla-topology-test", LeadflowConfig.load(config), dir.resolve("metrics"),
                at(2026, 11, 20, 18, 56), new SlaMetrics(registry))) {
            missedCall(engine, at(2026, 11, 20, 18, 55));
            assertThat(open(registry, "running")).isEqualTo(1);

            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 20, 18, 56), at(2026, 11, 23, 11, 30)));
            assertThat(open(registry, "running")).isZero();
            assertThat(open(registry, "breached")).isEqualTo(1);
            assertThat(registry.get("leadflow.sla.breaches").tags("tenant", "acme", "team", "sales", "owner", "anna",
                    "policy", "response:MISSED_CALL").counter().count()).isEqualTo(1);
            assertThat(registry.get("leadflow.sla.warnings").counter().count()).isEqualTo(1);

            callback(engine, "cb-1", "101", 60, at(2026, 11, 23, 11, 29));
            assertThat(open(registry, "breached")).isZero();
            assertThat(open(registry, "met")).isEqualTo(1);
            var responses = registry.get("leadflow.lead.response").tags("lead_class", "MISSED_CALL", "evidence", "OUTBOUND_CONNECTED").timer();
            assertThat(responses.count()).isEqualTo(1);
            assertThat(responses.totalTime(java.util.concurrent.TimeUnit.MINUTES))
                    .isEqualTo(Duration.between(at(2026, 11, 20, 18, 55), at(2026, 11, 23, 11, 29)).toMinutes());
        }
    }

    private static double open(SimpleMeterRegistry registry, String state) {
        var gauge = registry.find("leadflow.leads.open").tags("tenant", "acme", "sla_state", state).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    @Test
    void aConnectedCallbackOnMondayAt1059PreventsTheBreach() throws IOException {
        try (EngineDriver engine = engine("", "[]", at(2026, 11, 20, 18, 56))) {
            missedCall(engine, at(2026, 11, 20, 18, 55));
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 20, 18, 56), at(2026, 11, 23, 10, 59, 30)));

            // When anna calls back at 10:59 and they talk for a minute
            callback(engine, "cb-1", "101", 60, at(2026, 11, 23, 10, 59));
            engine.driver().advanceWallClockTime(Duration.ofHours(4));

            // Then no breach, no reassignment: only the warning that came before
            assertThat(slaEvents(engine)).extracting(e -> e.getPayload().getClass().getSimpleName()).containsExactly("SlaWarning");
            assertThat(lastState(engine).getSlaClocks()).isEmpty();
        }
    }

    @Test
    void aCallbackJustAfterTheDeadlineComesAfterTheBreachAndTheInformedHearHowItEnded() throws IOException {
        try (EngineDriver engine = engine("", "[]", at(2026, 11, 20, 18, 56))) {
            missedCall(engine, at(2026, 11, 20, 18, 55));
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 20, 18, 56), at(2026, 11, 23, 11, 1, 30)));

            callback(engine, "cb-1", "101", 60, at(2026, 11, 23, 11, 1));

            List<LeadEvent> events = engine.output(engine.topics().leadEvents()).readValuesToList();
            assertThat(events).extracting(e -> e.getPayload().getClass().getSimpleName())
                    .containsSubsequence("SlaWarning", "SlaBreached", "LeadResponded");
            List<Alert> alerts = alerts(engine);
            Alert resolved = alerts.get(alerts.size() - 1);
            assertThat(resolved.getKind()).isEqualTo(AlertKind.SLA_RESOLVED);
            assertThat(resolved.getRecipients()).containsExactly("olga", "head");
            assertThat(resolved.getMessage()).contains("1 min after");
        }
    }

    @Test
    void aHolidayMondayMovesTheBreachToTuesday() throws IOException {
        try (EngineDriver engine = engine("\"2026-11-23\"", "[]", at(2026, 11, 20, 18, 56))) {
            missedCall(engine, at(2026, 11, 20, 18, 55));
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 20, 18, 56), at(2026, 11, 24, 12, 0)));

            assertThat(slaEvents(engine)).filteredOn(e -> e.getPayload() instanceof SlaBreached)
                    .extracting(e -> local(e.getOccurredAt())).containsExactly("2026-11-24T11:00");
        }
    }

    @Test
    void aBreachedLeadStillUnansweredAWorkingHourLaterGoesToAnotherManagerOfTheTeam() throws IOException {
        try (EngineDriver engine = engine("", "[]", at(2026, 11, 20, 18, 56))) {
            missedCall(engine, at(2026, 11, 20, 18, 55));
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 20, 18, 56), at(2026, 11, 23, 12, 0, 1)));

            List<LeadEvent> events = engine.output(engine.topics().leadEvents()).readValuesToList();
            LeadEvent escalated = events.stream().filter(e -> e.getPayload() instanceof SlaEscalated).findFirst().orElseThrow();
            assertThat(local(escalated.getOccurredAt())).isEqualTo("2026-11-23T12:00");
            assertThat(events).filteredOn(e -> e.getPayload() instanceof LeadAssigned)
                    .extracting(e -> ((LeadAssigned) e.getPayload()).getOwner()).containsExactly("anna", "boris");
            LeadAssigned reassigned = (LeadAssigned) events.get(events.size() - 1).getPayload();
            assertThat(reassigned.getReason()).contains("SLA response:MISSED_CALL breached").contains("anna is who it is taken from");
            assertThat(alerts(engine)).extracting(Alert::getKind).contains(AlertKind.LEAD_REASSIGNED);
            assertThat(lastState(engine).getOwner()).isEqualTo("boris");
        }
    }

    @Test
    void aMissedCallerGetsCallbackTasksUntilReachedAtTheScheduledTimesAndTheNextWorkingMorning() throws IOException {
        try (EngineDriver engine = engine("", "[PT15M, PT1H, next-morning]", at(2026, 11, 23, 17, 0, 1))) {
            missedCall(engine, at(2026, 11, 23, 17, 0));
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 23, 17, 0, 1), at(2026, 11, 24, 9, 0, 1)));

            assertThat(slaEvents(engine)).filteredOn(e -> e.getPayload() instanceof LeadCallbackDue)
                    .extracting(e -> ((LeadCallbackDue) e.getPayload()).getAttempt() + "/" + ((LeadCallbackDue) e.getPayload()).getAttempts()
                            + "@" + local(e.getOccurredAt()) + " " + ((LeadCallbackDue) e.getPayload()).getOwner())
                    .containsExactly("1/3@2026-11-23T17:15 anna", "2/3@2026-11-23T18:00 anna", "3/3@2026-11-24T09:00 anna");
            assertThat(alerts(engine)).filteredOn(a -> a.getKind() == AlertKind.CALLBACK_DUE).extracting(Alert::getRecipients)
                    .containsOnly(List.of("anna"));
        }
        try (EngineDriver engine = engine("", "[PT15M, PT1H, next-morning]", at(2026, 11, 23, 17, 0, 1), "reached")) {
            missedCall(engine, at(2026, 11, 23, 17, 0));
            engine.driver().advanceWallClockTime(Duration.ofMinutes(20));
            callback(engine, "cb-1", "101", 90, at(2026, 11, 23, 17, 20));
            engine.driver().advanceWallClockTime(Duration.ofDays(1));

            assertThat(slaEvents(engine)).filteredOn(e -> e.getPayload() instanceof LeadCallbackDue).hasSize(1);
        }
    }

    @Test
    void aLeadLongerThanItsLimitInACrmStageBreachesThatStagesSla() throws IOException {
        try (EngineDriver engine = engine("", "[]", at(2026, 11, 23, 10, 0, 1))) {
            // Given an answered call (responded at once) whose deal then enters a stage limited to one working day
            calls(engine).pipeInput(CALLER, call("in-1", CallDirection.INBOUND, CallStatus.ANSWERED, "101", 120, at(2026, 11, 23, 10, 0)));
            stage(engine, "C1:NEW", at(2026, 11, 23, 10, 5));
            stage(engine, "C1:PREPARATION", at(2026, 11, 23, 10, 10));

            // When it stays there past Tuesday 10:10
            engine.driver().advanceWallClockTime(Duration.between(at(2026, 11, 23, 10, 0, 1), at(2026, 11, 24, 10, 10, 1)));

            // Then the stage's SLA is breached, the stage's accountable hears of it
            List<Alert> breaches = alerts(engine).stream().filter(a -> a.getKind() == AlertKind.SLA_BREACHED).toList();
            assertThat(breaches).extracting(Alert::getPolicy).containsExactly("stage:C1:PREPARATION");
            assertThat(breaches.get(0).getRecipients()).containsExactly("anna", "olga");
            assertThat(breaches.get(0).getDeadline()).isEqualTo(at(2026, 11, 24, 10, 10));

            // and moving on stops that clock (the accountable hears it ended)
            stage(engine, "C1:OFFER", at(2026, 11, 24, 10, 30));
            assertThat(lastState(engine).getSlaClocks()).isEmpty();
            assertThat(alerts(engine)).extracting(Alert::getKind).containsExactly(AlertKind.SLA_RESOLVED);
        }
    }

    @Test
    void whileCatchingUpEventTimeDecidesAndHowTheWallClockMovesDoesNotChangeTheOutput() throws IOException {
        // Given a backlog a week old: two callers missed; one called back a minute before the deadline, one a minute after
        Instant t = at(2026, 11, 16, 10, 0);
        Instant now = t.plus(Duration.ofDays(7));
        List<LeadEvent> still = catchUp(now, Duration.ZERO, "still");
        List<LeadEvent> ticking = catchUp(now, Duration.ofMillis(300), "ticking");

        assertThat(ticking).isEqualTo(still);
        List<String> facts = still.stream().map(e -> e.getContact() + " " + e.getPayload().getClass().getSimpleName()).toList();
        assertThat(facts).containsSubsequence("+79160000002 SlaBreached", "+79160000002 LeadResponded");
        assertThat(facts).doesNotContain("+79160000001 SlaBreached");
        assertThat(facts).contains("+79160000001 LeadResponded");
    }

    /** The backlog piped with the wall clock moved by {@code tick} before each record, then a day on. */
    private List<LeadEvent> catchUp(Instant now, Duration tick, String run) throws IOException {
        Instant t = at(2026, 11, 16, 10, 0);
        try (EngineDriver engine = engine("", "[]", now, run)) {
            CanonicalInput<CallEvent> calls = calls(engine);
            List<CallEvent> backlog = List.of(
                    missed("m-1", "+79160000001", t), missed("m-2", "+79160000002", t.plusSeconds(30)),
                    CallEvent.newBuilder(call("cb-1", CallDirection.OUTBOUND, CallStatus.ANSWERED, "101", 60, t.plus(Duration.ofMinutes(119))))
                            .setContact("+79160000001").build(),
                    CallEvent.newBuilder(call("cb-2", CallDirection.OUTBOUND, CallStatus.ANSWERED, "102", 60, t.plus(Duration.ofMinutes(121))))
                            .setContact("+79160000002").build(),
                    missed("m-3", "+79160000003", t.plus(Duration.ofHours(5))));
            for (CallEvent call : backlog) {
                engine.driver().advanceWallClockTime(tick);
                calls.pipeInput(new ContactKey("acme", call.getContact()), call, call.getStartedAt());
            }
            engine.driver().advanceWallClockTime(Duration.ofDays(1));
            return engine.output(engine.topics().leadEvents()).readValuesToList();
        }
    }

    private EngineDriver engine(String holidays, String callbacks, Instant wallClock) throws IOException {
        return engine(holidays, callbacks, wallClock, "state");
    }

    private EngineDriver engine(String holidays, String callbacks, Instant wallClock, String run) throws IOException {
        Path config = Files.writeString(dir.resolve(run + ".yaml"), CONFIG.formatted(holidays, callbacks));
        return new EngineDriver("sla-topology-test", LeadflowConfig.load(config), dir.resolve(run), wallClock);
    }

    private static void missedCall(EngineDriver engine, Instant at) {
        calls(engine).pipeInput(CALLER, missed("m-1", CALLER.getContact(), at), at);
    }

    private static void callback(EngineDriver engine, String id, String extension, int talkSeconds, Instant at) {
        calls(engine).pipeInput(CALLER, call(id, CallDirection.OUTBOUND, CallStatus.ANSWERED, extension, talkSeconds, at), at);
    }

    private static void stage(EngineDriver engine, String stageId, Instant at) {
        CrmStageChange change = CrmStageChange.newBuilder().setEventId("bitrix24:deal:7:" + stageId).setTenant("acme").setVendor(Vendor.BITRIX24)
                .setEntityType(CrmEntityType.DEAL).setEntityId("7").setStageId(stageId).setOutcome(StageOutcome.OPEN)
                .setContact(CALLER.getContact()).setOccurredAt(at).build();
        engine.crmStageChange(change, at);
    }

    private static CanonicalInput<CallEvent> calls(EngineDriver engine) {
        return engine.calls();
    }

    private static CallEvent missed(String id, String contact, Instant at) {
        return CallEvent.newBuilder(call(id, CallDirection.INBOUND, CallStatus.MISSED, null, 0, at)).setContact(contact).build();
    }

    private static CallEvent call(String id, CallDirection direction, CallStatus status, String extension, int talkSeconds, Instant at) {
        return CallEvent.newBuilder().setEventId("mango:summary:" + id).setTenant("acme").setVendor(Vendor.MANGO).setCallId(id)
                .setContact(CALLER.getContact()).setLine("+74951234567").setDirection(direction).setStatus(status)
                .setExtension(extension).setTalkSeconds(talkSeconds).setStartedAt(at).build();
    }

    /** The SLA's own lead events read since the last call. */
    private static List<LeadEvent> slaEvents(EngineDriver engine) {
        return engine.output(engine.topics().leadEvents()).readValuesToList().stream()
                .filter(e -> e.getCauseId() != null && e.getCauseId().startsWith("sla:")).toList();
    }

    private static List<Alert> alerts(EngineDriver engine) {
        TestOutputTopic<ContactKey, Alert> alerts = engine.output(engine.topics().alerts());
        return alerts.readValuesToList();
    }

    private static LeadState lastState(EngineDriver engine) {
        return engine.leadState(CALLER);
    }

    private static Instant at(int year, int month, int day, int hour, int minute) {
        return at(year, month, day, hour, minute, 0);
    }

    private static Instant at(int year, int month, int day, int hour, int minute, int second) {
        return LocalDateTime.of(year, month, day, hour, minute, second).atZone(MOSCOW).toInstant();
    }

    private static String local(Instant at) {
        return LocalDateTime.ofInstant(at, MOSCOW).toString();
    }
}
