package io.leadflow.chaos;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadTouched;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads what the engine committed — {@code leadflow.lead-events} and {@code leadflow.alerts}, read_committed, as any
 * consumer sees them — and checks it against what the vendors were told was delivered and against rules simple enough
 * to recompute here, independently of the engine's code:
 * <ul>
 *   <li>leads: every inbound call the gateway acknowledged is in the lead log exactly once (opening a lead or
 *   touching one); no lead is created twice, and no contact has two leads open at once;</li>
 *   <li>assignments: every lead has an owner assigned, and no routing decision is applied twice;</li>
 *   <li>alerts: no alert is committed twice, and every lead the log shows unanswered at its response deadline
 *   ({@code created + target}, calendar time) has its breach alert, once.</li>
 * </ul>
 * Any repeated lead event (same event id) is a doubling too.
 */
final class ChaosChecker {

    record Report(long acknowledgedCalls, long leads, long leadEvents, long alerts,
                  List<String> lostCalls, List<String> duplicatedCalls, List<String> duplicatedLeads, List<String> duplicatedEvents,
                  List<String> leadsWithoutOwner, List<String> duplicatedAssignments,
                  long expectedBreaches, List<String> lostBreaches, List<String> duplicatedAlerts, long lateResponseBreaches) {

        boolean clean() {
            return lostCalls.isEmpty() && duplicatedCalls.isEmpty() && duplicatedLeads.isEmpty() && duplicatedEvents.isEmpty()
                    && leadsWithoutOwner.isEmpty() && duplicatedAssignments.isEmpty() && lostBreaches.isEmpty() && duplicatedAlerts.isEmpty();
        }

        String summary() {
            return String.format("""
                            acknowledged inbound calls %d, leads %d, lead events %d, alerts %d
                            leads:        lost calls %d, calls in the log twice %d, leads created twice or overlapping %d, lead events twice %d
                            assignments:  leads without an owner %d, routing decisions applied twice %d
                            alerts:       breaches due %d, lost %d, alerts committed twice %d (breaches resolved by a late response: %d)
                            %s""", acknowledgedCalls, leads, leadEvents, alerts, lostCalls.size(), duplicatedCalls.size(),
                    duplicatedLeads.size(), duplicatedEvents.size(), leadsWithoutOwner.size(), duplicatedAssignments.size(),
                    expectedBreaches, lostBreaches.size(), duplicatedAlerts.size(), lateResponseBreaches,
                    clean() ? "CLEAN: nothing lost, nothing doubled" : "PROBLEMS: " + String.join("; ", examples()));
        }

        private List<String> examples() {
            List<String> all = new ArrayList<>();
            lostCalls.stream().limit(3).forEach(c -> all.add("lost call " + c));
            duplicatedCalls.stream().limit(3).forEach(c -> all.add("call twice " + c));
            duplicatedLeads.stream().limit(3).forEach(c -> all.add("lead twice " + c));
            duplicatedEvents.stream().limit(3).forEach(c -> all.add("event twice " + c));
            leadsWithoutOwner.stream().limit(3).forEach(c -> all.add("no owner " + c));
            duplicatedAssignments.stream().limit(3).forEach(c -> all.add("assigned twice " + c));
            lostBreaches.stream().limit(3).forEach(c -> all.add("lost breach " + c));
            duplicatedAlerts.stream().limit(3).forEach(c -> all.add("alert twice " + c));
            return all;
        }
    }

    private ChaosChecker() {
    }

    /**
     * @param acknowledgedCalls inbound call ids the gateway answered 2xx (a vendor's "delivered")
     * @param responseTarget    the tenant's first-response target (calendar clock)
     * @param checkedAt         breaches are expected only for deadlines this long before now (the run's end)
     */
    static Report check(String bootstrapServers, Topics topics, Set<String> acknowledgedCalls, Duration responseTarget, Instant checkedAt) {
        Topic<ContactKey, LeadEvent> leadTopic = topics.leadEvents();
        List<LeadEvent> log = KafkaTestBroker.readAllCommitted(bootstrapServers, leadTopic.name(), leadTopic.keySerde().deserializer(),
                leadTopic.valueSerde().deserializer(), Duration.ofMinutes(2)).stream().map(ConsumerRecord::value).toList();
        Topic<ContactKey, Alert> alertTopic = topics.alerts();
        List<Alert> alerts = KafkaTestBroker.readAllCommitted(bootstrapServers, alertTopic.name(), alertTopic.keySerde().deserializer(),
                alertTopic.valueSerde().deserializer(), Duration.ofMinutes(2)).stream().map(ConsumerRecord::value).toList();

        Set<String> eventIds = new HashSet<>();
        List<String> duplicatedEvents = new ArrayList<>();
        Map<String, Integer> callsInLog = new HashMap<>();
        Set<String> created = new HashSet<>();
        List<String> duplicatedLeads = new ArrayList<>();
        Map<String, String> openLeadOfContact = new HashMap<>();
        Map<String, Integer> assignments = new HashMap<>();
        Set<String> assignmentCauses = new HashSet<>();
        List<String> duplicatedAssignments = new ArrayList<>();
        Map<String, Instant> createdAt = new HashMap<>();
        Map<String, Instant> settledAt = new HashMap<>(); // first response, or close
        for (LeadEvent event : log) {
            if (!eventIds.add(event.getEventId())) {
                duplicatedEvents.add(event.getEventId());
            }
            Object payload = event.getPayload();
            String lead = event.getLeadId();
            if (payload instanceof LeadCreated c) {
                if (!created.add(lead)) {
                    duplicatedLeads.add(lead);
                }
                String open = openLeadOfContact.put(event.getContact(), lead);
                if (open != null && !open.equals(lead)) {
                    duplicatedLeads.add(lead + " (contact " + event.getContact() + " still had " + open + " open)");
                }
                createdAt.put(lead, event.getOccurredAt());
                count(callsInLog, c.getCallId());
            } else if (payload instanceof LeadTouched t && !t.getCorrection()) {
                count(callsInLog, t.getCallId());
            } else if (payload instanceof LeadAssigned) {
                assignments.merge(lead, 1, Integer::sum);
                if (!assignmentCauses.add(lead + " " + event.getCauseId())) {
                    duplicatedAssignments.add(lead + " by " + event.getCauseId());
                }
            } else if (payload instanceof LeadResponded || payload instanceof LeadClosed) {
                settledAt.merge(lead, event.getOccurredAt(), (a, b) -> a.isBefore(b) ? a : b);
                if (payload instanceof LeadClosed) {
                    openLeadOfContact.remove(event.getContact(), lead);
                }
            }
        }
        List<String> lostCalls = acknowledgedCalls.stream().filter(c -> !callsInLog.containsKey(c)).sorted().toList();
        List<String> duplicatedCalls = callsInLog.entrySet().stream().filter(e -> e.getValue() > 1 && acknowledgedCalls.contains(e.getKey()))
                .map(Map.Entry::getKey).sorted().toList();
        List<String> withoutOwner = created.stream().filter(l -> !assignments.containsKey(l)).sorted().toList();

        Set<String> alertIds = new HashSet<>();
        List<String> duplicatedAlerts = new ArrayList<>();
        Map<String, Integer> breachesOfLead = new HashMap<>();
        for (Alert alert : alerts) {
            if (!alertIds.add(alert.getAlertId())) {
                duplicatedAlerts.add(alert.getAlertId());
            }
            if (alert.getKind() == AlertKind.SLA_BREACHED && alert.getPolicy() != null && alert.getPolicy().startsWith("response:")) {
                breachesOfLead.merge(alert.getLeadId(), 1, Integer::sum);
            }
        }
        Set<String> due = new TreeSet<>();
        createdAt.forEach((lead, at) -> {
            Instant deadline = at.plus(responseTarget);
            Instant settled = settledAt.get(lead);
            if ((settled == null || settled.isAfter(deadline)) && deadline.isBefore(checkedAt)) {
                due.add(lead);
            }
        });
        List<String> lostBreaches = due.stream().filter(l -> !breachesOfLead.containsKey(l)).toList();
        breachesOfLead.forEach((lead, n) -> {
            if (n > 1) {
                duplicatedAlerts.add("breach of " + lead + " x" + n);
            }
        });
        long late = breachesOfLead.keySet().stream().filter(l -> !due.contains(l)).count();
        return new Report(acknowledgedCalls.size(), created.size(), log.size(), alerts.size(), lostCalls, duplicatedCalls,
                duplicatedLeads, duplicatedEvents, withoutOwner, duplicatedAssignments, due.size(), lostBreaches, duplicatedAlerts, late);
    }

    private static void count(Map<String, Integer> counts, String callId) {
        if (callId != null) {
            counts.merge(callId, 1, Integer::sum);
        }
    }
}
