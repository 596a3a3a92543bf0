package io.leadflow.funnel;

import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.FunnelLead;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadStageChanged;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.MarketingSource;
import io.leadflow.config.FunnelConfig;
import io.leadflow.config.TenantConfig;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One lead's way through its funnel, from its events: created, responded, the CRM stages mapped to funnel stages, won
 * (the last stage) or lost. A lead only moves forward: a deal moved back keeps the furthest stage it reached, and a
 * stage it skipped counts as entered when the next one was. Its slices (source, owner, team, new or returning) follow
 * the lead: a corrected source or a reassignment moves it.
 */
public final class FunnelProgress {
    public static final String OPEN = "OPEN";
    public static final String WON = "WON";
    public static final String LOST = "LOST";
    static final String DIRECT = "(direct) / (none)";

    private FunnelProgress() {
    }

    /**
     * The lead after {@code event}, or {@code before} itself when the event changes nothing a funnel shows.
     *
     * @param sourceOf the channel ("source / medium") of a touch: its line and what a call tracker said of it
     */
    public static FunnelLead apply(FunnelLead before, LeadEvent event, TenantConfig tenant,
                                   BiFunction<String, MarketingSource, String> sourceOf) {
        Map<String, FunnelConfig> funnels = tenant.funnels();
        Object payload = event.getPayload();
        if (payload instanceof LeadCreated created) {
            return FunnelLead.newBuilder().setTenant(event.getTenant()).setLeadId(event.getLeadId())
                    .setFunnel(FunnelConfig.funnelOf(funnels, null)).setCreatedAt(event.getOccurredAt())
                    .setSource(sourceOf.apply(created.getLine(), created.getMarketing())).setOpeningTouch(event.getCauseId())
                    .setOwner(null).setTeam(null).setReturning(created.getReturning())
                    .setReached(List.of(event.getOccurredAt())).setOutcome(OPEN).setClosedAt(null).setAmount(0)
                    .setEventId(event.getEventId()).build();
        }
        if (before == null) {
            return null; // a lead opened before the funnel was added: its history is not here
        }
        FunnelLead.Builder next = FunnelLead.newBuilder(before).setEventId(event.getEventId());
        FunnelConfig funnel = funnels.getOrDefault(before.getFunnel(), funnels.get(FunnelConfig.funnelOf(funnels, null)));
        if (payload instanceof LeadTouched touched && touched.getCorrection() && touched.getMarketing() != null
                && touched.getCorrects() != null && touched.getCorrects().equals(before.getOpeningTouch())) {
            String source = sourceOf.apply(touched.getLine(), touched.getMarketing());
            return source.equals(before.getSource()) ? before : next.setSource(source).build();
        }
        if (payload instanceof LeadAssigned assigned) {
            return next.setOwner(assigned.getOwner()).setTeam(assigned.getTeam()).build();
        }
        if (!OPEN.equals(before.getOutcome())) {
            return before; // stages after the lead closed belong to no lead's funnel
        }
        if (payload instanceof LeadResponded) {
            return reach(next, before, funnel.indexOf(FunnelConfig.RESPONDED), event.getOccurredAt());
        }
        if (payload instanceof LeadStageChanged changed) {
            String funnelId = FunnelConfig.funnelOf(funnels, changed.getPipeline());
            if (changed.getPipeline() != null && !funnelId.equals(before.getFunnel())) {
                // the CRM put the deal in another direction's pipeline: the lead is that funnel's, with what the
                // engine saw of it (created, responded) kept
                funnel = funnels.get(funnelId);
                next.setFunnel(funnelId).setReached(engineStages(before, funnels.get(before.getFunnel()), funnel));
                before = next.build();
            }
            return reach(next, before, funnel.indexOfCrmStage(changed.getCrmStageId()), event.getOccurredAt());
        }
        if (payload instanceof LeadClosed closed) {
            boolean won = closed.getOutcome() == CloseOutcome.WON;
            next.setOutcome(won ? WON : LOST).setClosedAt(event.getOccurredAt())
                    .setAmount(won && closed.getAmount() != null ? closed.getAmount() : 0);
            if (won) {
                return reach(next, next.build(), funnel.stages().size() - 1, event.getOccurredAt());
            }
            return next.build();
        }
        return before;
    }

    /** The lead reaches stage {@code index} at {@code at}, and the stages it skipped on the way with it. */
    private static FunnelLead reach(FunnelLead.Builder next, FunnelLead before, int index, Instant at) {
        if (index < 0 || index < before.getReached().size()) {
            return index < 0 ? before : next.build(); // not a funnel stage, or one it has passed
        }
        List<Instant> reached = new ArrayList<>(before.getReached());
        while (reached.size() <= index) {
            reached.add(at);
        }
        return next.setReached(reached).build();
    }

    /** Moving funnels: the engine's own stages (created, responded) as reached in the old one. */
    private static List<Instant> engineStages(FunnelLead lead, FunnelConfig from, FunnelConfig to) {
        List<Instant> reached = new ArrayList<>(List.of(lead.getCreatedAt()));
        int responded = from == null ? -1 : from.indexOf(FunnelConfig.RESPONDED);
        if (to.indexOf(FunnelConfig.RESPONDED) == 1 && responded >= 0 && responded < lead.getReached().size()) {
            reached.add(lead.getReached().get(responded));
        }
        return reached;
    }
}
