package io.leadflow.funnel;

import io.leadflow.avro.ChildDeal;
import io.leadflow.avro.DurationSketch;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.FunnelLead;
import io.leadflow.avro.StageFigures;
import io.leadflow.config.FunnelConfig;
import org.apache.kafka.streams.KeyValue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lead's part in the funnel figures: for the day it was created in (a tenant-local cohort) × each slice it is in (all
 * leads, its source, owner, team, new or returning, region, product), one lead with the stages it reached, the time it
 * spent in each stage it left, and how it ended. Weeks and months are sums of their days, added up when asked: every
 * figure adds up exactly (counts, and sketches by their bins), so keeping them too would only triple the writes. What a lead event changes is the difference between the lead's
 * part before and after it, slice by slice: a reassigned lead leaves the old owner's figures as it enters the new one's.
 */
public final class FunnelShares {
    /** The periods figures are asked for. */
    public static final List<String> PERIODS = List.of("day", "week", "month");
    /** The period figures are kept for. */
    public static final String COHORT = "day";
    public static final List<String> DIMENSIONS = List.of("all", "source", "owner", "team", "client", "region", "product");
    static final String NOBODY = "(none)";

    private FunnelShares() {
    }

    /**
     * The lead's part in every slice it is in (none for no lead): in its funnel, and in the child funnel of each linked
     * deal it has, where it counts in the same cohort and slices.
     */
    static Map<FunnelKey, FunnelFigures> of(FunnelLead lead, Map<String, FunnelConfig> funnels, ZoneId zone) {
        Map<FunnelKey, FunnelFigures> parts = new LinkedHashMap<>();
        if (lead == null) {
            return parts;
        }
        Map<String, FunnelFigures> byFunnel = new LinkedHashMap<>();
        FunnelConfig own = funnels.get(lead.getFunnel());
        if (own != null) {
            byFunnel.put(lead.getFunnel(), figures(lead, own));
        }
        lead.getChildren().forEach((id, deal) -> {
            FunnelConfig child = funnels.get(id);
            if (child != null) {
                byFunnel.put(id, childFigures(lead, deal, child));
            }
        });
        LocalDate day = LocalDate.ofInstant(lead.getCreatedAt(), zone);
        byFunnel.forEach((funnel, figures) -> {
            for (String dimension : DIMENSIONS) {
                parts.put(new FunnelKey(lead.getTenant(), funnel, COHORT, day.toString(), dimension, value(lead, dimension)), figures);
            }
        });
        return parts;
    }

    /** What replacing {@code before} (null: a new lead) with {@code after} changes, slice by slice; no empty changes. */
    static List<KeyValue<FunnelKey, FunnelFigures>> deltas(FunnelLead before, FunnelLead after, Map<String, FunnelConfig> funnels,
                                                          ZoneId zone, Instant at) {
        Map<FunnelKey, FunnelFigures> was = of(before, funnels, zone);
        Map<FunnelKey, FunnelFigures> is = of(after, funnels, zone);
        Set<FunnelKey> slices = new LinkedHashSet<>(was.keySet());
        slices.addAll(is.keySet());
        List<KeyValue<FunnelKey, FunnelFigures>> deltas = new ArrayList<>();
        for (FunnelKey slice : slices) {
            FunnelFigures delta = plus(is.get(slice), was.get(slice), -1, after.getEventId(), at);
            if (!isZero(delta)) {
                deltas.add(KeyValue.pair(slice, delta));
            }
        }
        return deltas;
    }

    /** The first day of the {@code period} that holds {@code day}: itself, its week's Monday, its month's 1st. */
    public static LocalDate start(String period, LocalDate day) {
        return switch (period) {
            case "day" -> day;
            case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case "month" -> day.withDayOfMonth(1);
            default -> throw new IllegalArgumentException("period must be day, week or month, not " + period);
        };
    }

    /** The last day of the {@code period} that holds {@code day}. */
    public static LocalDate end(String period, LocalDate day) {
        return switch (period) {
            case "day" -> day;
            case "week" -> start(period, day).plusDays(6);
            case "month" -> start(period, day).plusMonths(1).minusDays(1);
            default -> throw new IllegalArgumentException("period must be day, week or month, not " + period);
        };
    }

    static String value(FunnelLead lead, String dimension) {
        return switch (dimension) {
            case "all" -> "all";
            case "source" -> lead.getSource();
            case "owner" -> lead.getOwner() == null ? NOBODY : lead.getOwner();
            case "team" -> lead.getTeam() == null ? NOBODY : lead.getTeam();
            case "client" -> lead.getReturning() ? "returning" : "new";
            case "region" -> lead.getRegion();
            case "product" -> lead.getProduct();
            default -> throw new IllegalArgumentException("no dimension " + dimension);
        };
    }

    /** One lead's figures. */
    static FunnelFigures figures(FunnelLead lead, FunnelConfig funnel) {
        List<StageFigures> stages = stages(lead.getReached(), funnel);
        boolean won = FunnelProgress.WON.equals(lead.getOutcome());
        return new FunnelFigures(lead.getEventId(), 1L, stages, won ? 1L : 0L, FunnelProgress.LOST.equals(lead.getOutcome()) ? 1L : 0L,
                won ? lead.getAmount() : 0.0,
                won ? DurationSketches.of(Duration.between(lead.getCreatedAt(), lead.getClosedAt()).toSeconds()) : DurationSketches.empty(),
                lead.getCreatedAt());
    }

    /** One linked deal's figures in its child funnel: won when it reached the last stage (the work was done), or lost. */
    static FunnelFigures childFigures(FunnelLead lead, ChildDeal deal, FunnelConfig funnel) {
        boolean done = deal.getReached().size() == funnel.stages().size();
        return new FunnelFigures(lead.getEventId(), 1L, stages(deal.getReached(), funnel), done ? 1L : 0L,
                FunnelProgress.LOST.equals(deal.getOutcome()) ? 1L : 0L, 0.0, DurationSketches.empty(), lead.getCreatedAt());
    }

    /** Entered (1 or 0) per stage, and the time spent in each stage left for a later one (none when left at once). */
    private static List<StageFigures> stages(List<Instant> reached, FunnelConfig funnel) {
        List<StageFigures> stages = new ArrayList<>();
        for (int i = 0; i < funnel.stages().size(); i++) {
            DurationSketch time = DurationSketches.empty();
            if (i + 1 < reached.size() && reached.get(i + 1).isAfter(reached.get(i))) {
                time = DurationSketches.of(Duration.between(reached.get(i), reached.get(i + 1)).toSeconds());
            }
            stages.add(new StageFigures(funnel.stages().get(i).id(), i < reached.size() ? 1L : 0L, time));
        }
        return stages;
    }

    /**
     * {@code a + sign × b} (either may be null: nothing), stage by stage in {@code a}'s order and then any stage only
     * {@code b} has (a funnel whose configuration gained a stage), as of event time {@code at}.
     */
    static FunnelFigures plus(FunnelFigures a, FunnelFigures b, int sign, String eventId, Instant at) {
        Map<String, StageFigures> stages = new LinkedHashMap<>();
        for (FunnelFigures f : new FunnelFigures[]{a, b}) {
            if (f == null) {
                continue;
            }
            int s = f == a ? 1 : sign;
            for (StageFigures stage : f.getStages()) {
                StageFigures had = stages.get(stage.getStage());
                StageFigures scaled = new StageFigures(stage.getStage(), s * stage.getEntered(),
                        DurationSketches.plus(DurationSketches.empty(), stage.getTimeInStage(), s));
                stages.put(stage.getStage(), had == null ? scaled : new StageFigures(stage.getStage(), had.getEntered() + scaled.getEntered(),
                        DurationSketches.plus(had.getTimeInStage(), scaled.getTimeInStage(), 1)));
            }
        }
        long leads = (a == null ? 0 : a.getLeads()) + (b == null ? 0 : sign * b.getLeads());
        long won = (a == null ? 0 : a.getWon()) + (b == null ? 0 : sign * b.getWon());
        long lost = (a == null ? 0 : a.getLost()) + (b == null ? 0 : sign * b.getLost());
        double revenue = (a == null ? 0 : a.getRevenue()) + (b == null ? 0 : sign * b.getRevenue());
        DurationSketch duration = DurationSketches.plus(a == null ? DurationSketches.empty() : a.getDealDuration(),
                b == null ? DurationSketches.empty() : b.getDealDuration(), sign);
        return new FunnelFigures(eventId, leads, new ArrayList<>(stages.values()), won, lost, revenue, duration, at);
    }

    /** {@code a + b}: two sets of figures merged (days into weeks, instances, a task's deltas), as of the later one. */
    static FunnelFigures sum(FunnelFigures a, FunnelFigures b) {
        return plus(a, b, 1, b.getEventId(), a.getUpdatedAt().isAfter(b.getUpdatedAt()) ? a.getUpdatedAt() : b.getUpdatedAt());
    }

    static boolean isZero(FunnelFigures f) {
        return f.getLeads() == 0 && f.getWon() == 0 && f.getLost() == 0 && f.getRevenue() == 0 && f.getDealDuration().getIndexes().isEmpty()
                && f.getStages().stream().allMatch(s -> s.getEntered() == 0 && s.getTimeInStage().getIndexes().isEmpty());
    }
}
