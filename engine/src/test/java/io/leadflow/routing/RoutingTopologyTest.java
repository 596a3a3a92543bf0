package io.leadflow.routing;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.testing.CanonicalInput;
import io.leadflow.testing.EngineDriver;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Leads through the engine with a configured roster: owners, reasons, capacity freed on close, live roster changes. */
class RoutingTopologyTest {
    private static final Instant MONDAY = Instant.parse("2026-11-23T07:30:00Z"); // 10:30 in Moscow
    private static final String LINE = "+74951234567";
    private static final String ROSTER = """
            tenants:
              acme:
                timeZone: Europe/Moscow
                leads: {idSecret: test-lead-id-secret}
                roster:
                  teams:
                    sales: {strategy: ROUND_ROBIN, fallback: true, queue: sales-inbox}
                  lines:
                    "8 (495) 123-45-67": sales
                  managers:
                    anna: {team: sales, extensions: ["101"], capacity: 1}
                    boris: {team: sales, extensions: ["102"], capacity: 1, shifts: {weekly: {SAT-SUN: ["10:00-18:00"]}}}
            """;

    @TempDir
    Path dir;
    private EngineDriver engine;
    private CanonicalInput<CallEvent> calls;

    @BeforeEach
    void start() throws IOException {
        Path config = Files.writeString(dir.resolve("leadflow.yaml"), ROSTER);
        engine = new EngineDriver("routing-topology-test", LeadflowConfig.load(config), dir.resolve("state"));
        calls = engine.calls();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void aManagerAtCapacityGetsNoMoreUntilTheirLeadClosesAndALeadNobodyCanTakeWaitsInTheQueueWithAnAlert() {
        // Given anna (capacity 1) on shift and boris (weekends only)
        missedCall("+79160000001", MONDAY);
        missedCall("+79160000002", MONDAY.plusSeconds(60));
        won("+79160000001", MONDAY.plusSeconds(600));
        missedCall("+79160000003", MONDAY.plusSeconds(900));

        List<LeadAssigned> assignments = assignments();
        assertThat(assignments).extracting(a -> a.getOwner() + ":" + a.getRule())
                .containsExactly("anna:round-robin", "null:fallback-queue", "anna:round-robin");
        assertThat(assignments.get(0).getReason()).isEqualTo("line +74951234567 → team sales; round-robin in team sales → anna (boris off shift)");
        assertThat(assignments.get(1).getQueue()).isEqualTo("sales-inbox");
        assertThat(assignments.get(1).getReason()).contains("anna at capacity 1/1", "boris off shift");

        Alert alert = engine.output(engine.topics().alerts()).readValue();
        assertThat(alert.getKind()).isEqualTo(AlertKind.LEAD_UNASSIGNED);
        assertThat(alert.getTeam()).isEqualTo("sales");
        assertThat(engine.output(engine.topics().alerts()).isEmpty()).isTrue();
    }

    @Test
    void aReturningClientGoesBackToTheirPreviousOwner() {
        missedCall("+79160000001", MONDAY);                        // anna
        won("+79160000001", MONDAY.plusSeconds(600));
        missedCall("+79160000002", MONDAY.plusSeconds(700));       // anna again (her slot is free)
        missedCall("+79160000001", MONDAY.plus(Duration.ofDays(5)).plusSeconds(7200)); // Saturday 12:30: boris on shift, anna not limited by shifts

        assertThat(assignments()).extracting(a -> a.getOwner() + ":" + a.getRule())
                .containsExactly("anna:round-robin", "anna:round-robin", "anna:returning-owner");
    }

    @Test
    void aRosterChangeTakesEffectForTheNextLead() {
        RosterEntry anna = RosterEntries.of("acme", LeadflowConfig.load(configFile()).tenant("acme").orElseThrow(), Instant.EPOCH).stream()
                .filter(e -> e.getId().equals("anna")).findFirst().orElseThrow();
        RosterEntry away = RosterEntry.newBuilder(anna).setSource(RosterEntries.FROM_API)
                .setManager(io.leadflow.avro.Manager.newBuilder(anna.getManager()).setAvailable(false).build()).build();
        TestInputTopic<RosterKey, RosterEntry> roster = engine.input(engine.topics().roster());

        roster.pipeInput(RosterEntries.key(away), away, MONDAY);
        missedCall("+79160000001", MONDAY);
        roster.pipeInput(RosterEntries.key(anna), anna, MONDAY.plusSeconds(30));
        missedCall("+79160000002", MONDAY.plusSeconds(60));

        assertThat(assignments()).extracting(a -> a.getOwner() + ":" + a.getRule())
                .containsExactly("null:fallback-queue", "anna:round-robin");
    }

    private Path configFile() {
        return dir.resolve("leadflow.yaml");
    }

    private List<LeadAssigned> assignments() {
        return engine.output(engine.topics().leadEvents()).readValuesToList().stream()
                .map(LeadEvent::getPayload).filter(LeadAssigned.class::isInstance).map(LeadAssigned.class::cast).toList();
    }

    private void missedCall(String caller, Instant at) {
        CallEvent call = CallEvent.newBuilder().setEventId("mango:summary:" + caller + at.getEpochSecond()).setTenant("acme")
                .setVendor(Vendor.MANGO).setCallId(caller + at.getEpochSecond()).setContact(caller).setLine(LINE)
                .setDirection(CallDirection.INBOUND).setStatus(CallStatus.MISSED).setStartedAt(at).build();
        calls.pipeInput(new ContactKey("acme", caller), call, at);
    }

    private void won(String contact, Instant at) {
        CrmStageChange change = CrmStageChange.newBuilder().setEventId("bitrix24:deal:" + contact + ":WON").setTenant("acme")
                .setVendor(Vendor.BITRIX24).setEntityType(CrmEntityType.DEAL).setEntityId(contact).setStageId("WON")
                .setOutcome(StageOutcome.WON).setContact(contact).setOccurredAt(at).build();
        engine.crmStageChange(change, at);
    }
}
