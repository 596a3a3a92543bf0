package io.leadflow.routing;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.TeamKey;
import io.leadflow.avro.TeamLoad;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.ZoneId;

/**
 * Applies {@link TeamRouter} per team: commands arrive keyed by tenant + team, so one task owns a team's rotation
 * and counts and applies its commands in order. Assignments go back to the leads (keyed by contact), alerts to
 * the alerts topic.
 */
final class TeamRoutingProcessor implements Processor<TeamKey, RoutingCommand, ContactKey, Object> {
    private final LeadflowConfig config;
    private ProcessorContext<ContactKey, Object> context;
    private KeyValueStore<TeamKey, TeamLoad> loads;
    private KeyValueStore<String, RosterEntry> roster;

    TeamRoutingProcessor(LeadflowConfig config) {
        this.config = config;
    }

    @Override
    public void init(ProcessorContext<ContactKey, Object> context) {
        this.context = context;
        this.loads = context.getStateStore(RoutingTopology.TEAM_STORE);
        this.roster = context.getStateStore(RosterStore.NAME);
    }

    @Override
    public void process(Record<TeamKey, RoutingCommand> record) {
        RoutingCommand command = record.value();
        ZoneId zone = config.tenant(command.getTenant()).map(TenantConfig::zone).orElse(ZoneId.of("UTC"));
        TeamRouter.Outcome outcome = TeamRouter.apply(loads.get(record.key()), command, RosterStore.roster(roster, command.getTenant(), zone));
        loads.put(record.key(), outcome.load());
        ContactKey contact = new ContactKey(command.getTenant(), command.getContact());
        if (outcome.assignment() != null) {
            context.forward(record.withKey(contact).withValue(outcome.assignment()), RoutingTopology.ASSIGNMENTS_SINK);
        }
        if (outcome.alert() != null) {
            context.forward(record.withKey(contact).withValue(outcome.alert()), RoutingTopology.ALERTS_SINK);
        }
    }
}
