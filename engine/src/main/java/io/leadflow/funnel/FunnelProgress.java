package io.leadflow.funnel;

import io.leadflow.avro.ChildDeal;
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

/**
 * One lead's way through its funnel, from its events: created, responded, the CRM stages mapped to funnel stages, won
 * (the last stage) or lost. A lead only moves forward: a deal moved back keeps the furthest stage it reached, and a
 * stage it skipped counts as entered when the next one was. Its slices (source, owner, team, new or returning, region,
 * product) follow the lead: a corrected source or city, a reassignment, a deal's product moves it. Linked deals of
 * other departments move through their child funnels the same way, alongside.
 */
public final class FunnelProgress {
    public static final String OPEN = "OPEN";
    public static final String WON = "WON";
    public static final String LOST = "LOST";
    static final String DIRECT = "(direct) / (none)";
    static final String NO_PRODUCT = "(none)";

    /** How the lead's slices are named from what its events say. */
    public interface Slices {
        /** The channel ("source / medium") of a touch: its line and what a call tracker said of it. */
        String source(String line, MarketingSource marketing);

        /** The region of the lead's contact: the call tracker's city when it has one, else from the number. */
        String region(MarketingSource marketing);
    }

    private FunnelProgress() {
    }

    /** The lead after {@code event}, or {@code before} itself when the event changes nothing a funnel shows. */
    public static FunnelLead apply(FunnelLead before, LeadEvent event, TenantConfig tenant, Slices slices) {
        Map<String, FunnelConfig> funnels = tenant.funnels();
        Object payload = event.getPayload();
        if (payload instanceof LeadCreated created) {
            return FunnelLead.newBuilder().setTenant(event.getTenant()).setLeadId(event.getLeadId())
                    .setFunnel(FunnelConfig.funnelOf(funnels, null)).setCreatedAt(event.getOccurredAt())
                    .setSource(slices.source(created.getLine(), created.getMarketing())).setOpeningTouch(event.getCauseId())
                    .setOwner(null).setTeam(null).setReturning(created.getReturning())
                    .setRegion(slices.region(created.getMarketing())).setProduct(NO_PRODUCT).setChildren(Map.of())
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
            String source = slices.source(touched.getLine(), touched.getMarketing());
            String region = touched.getMarketing().getCity() == null ? before.getRegion() : slices.region(touched.getMarketing());
            return source.equals(before.getSource()) && region.equals(before.getRegion()) ? before
                    : next.setSource(source).setRegion(region).build();
        }
        if (payload instanceof LeadStageChanged changed && changed.getChildFunnel() != null) {
            return child(next, before, funnels.get(changed.getChildFunnel()), changed.getChildFunnel(), changed,
                    event.getOccurredAt());
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
            if (changed.getProduct() != null) {
                next.setProduct(changed.getProduct());
            }
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
            if (closed.getProduct() != null) {
                next.setProduct(closed.getProduct());
            }
            if (won) {
                return reach(next, next.build(), funnel.stages().size() - 1, event.getOccurredAt());
            }
            return next.build();
        }
        return before;
    }

    /** The lead reaches stage {@code index} at {@code at}, and the stages it skipped on the way with it. */
    private static FunnelLead reach(FunnelLead.Builder next, FunnelLead before, int index, Instant at) {
        if (index < 0) {
            FunnelLead same = next.build();
            return same.getProduct().equals(before.getProduct()) ? before : same; // not a funnel stage: a new product still counts
        }
        if (index < before.getReached().size()) {
            return next.build(); // a stage it has passed
        }
        return next.setReached(reachedUpTo(before.getReached(), index, at)).build();
    }

    /**
     * The lead's linked deal in child funnel {@code id} reaches the stage the change names, forward only; won, it
     * reaches the last stage, lost it stays where it was. A closed one moves no more.
     */
    private static FunnelLead child(FunnelLead.Builder next, FunnelLead before, FunnelConfig funnel, String id, LeadStageChanged changed,
                                    Instant at) {
        ChildDeal deal = before.getChildren().getOrDefault(id, new ChildDeal(List.of(), OPEN));
        if (funnel == null || !OPEN.equals(deal.getOutcome())) {
            return before;
        }
        String outcome = changed.getChildOutcome() == null ? OPEN : changed.getChildOutcome();
        int index = WON.equals(outcome) ? funnel.stages().size() - 1 : LOST.equals(outcome) ? -1 : funnel.indexOfCrmStage(changed.getCrmStageId());
        List<Instant> reached = index < deal.getReached().size() ? deal.getReached() : reachedUpTo(deal.getReached(), index, at);
        if (reached == deal.getReached() && outcome.equals(deal.getOutcome())) {
            return before; // not one of its stages, or one it has passed
        }
        Map<String, ChildDeal> children = new java.util.TreeMap<>(before.getChildren());
        children.put(id, new ChildDeal(reached, outcome));
        return next.setChildren(children).build();
    }

    private static List<Instant> reachedUpTo(List<Instant> reached, int index, Instant at) {
        List<Instant> longer = new ArrayList<>(reached);
        while (longer.size() <= index) {
            longer.add(at);
        }
        return longer;
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
