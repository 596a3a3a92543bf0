package io.leadflow.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sales funnel of a tenant (one per business direction: turnkey, rental, repeat customers), its stages in order.
 * Two stages are the engine's own: {@code created} (the lead opened) and {@code responded} (its first response); the
 * others are reached when the CRM moves the deal to one of their {@code crm} stage ids (Bitrix24 {@code STAGE_ID}s such
 * as {@code PREPARATION} or {@code C2:PREPARATION}, amoCRM status ids). A won deal reaches the last stage.
 * <pre>
 *   funnels:
 *     turnkey:
 *       pipelines: ["0", "7514"]          # Bitrix24 categories / amoCRM pipelines of this direction
 *       stages:
 *         - {id: created}
 *         - {id: responded, stuckAfter: PT24H}
 *         - {id: needs, name: "Needs identified", crm: [PREPARATION, "142001"]}
 *         - {id: offer, crm: [PREPAYMENT_INVOICE]}
 *         - {id: contract, crm: [EXECUTING]}
 *         - {id: paid, crm: [WON, "142"]}
 * </pre>
 * A lead is in the tenant's first funnel until the CRM names a pipeline another funnel lists.
 *
 * @param pipelines CRM pipeline (Bitrix24 category, amoCRM pipeline) ids that belong to this funnel
 */
public record FunnelConfig(List<Stage> stages, List<String> pipelines) {
    public static final String CREATED = "created";
    public static final String RESPONDED = "responded";

    public FunnelConfig {
        stages = stages == null || stages.isEmpty() ? defaultStages() : List.copyOf(stages);
        pipelines = pipelines == null ? List.of() : List.copyOf(pipelines);
        if (!stages.get(0).id().equals(CREATED)) {
            throw new IllegalArgumentException("a funnel's first stage must be '" + CREATED + "'");
        }
        Set<String> ids = new HashSet<>();
        Set<String> crm = new HashSet<>();
        for (Stage stage : stages) {
            if (!ids.add(stage.id())) {
                throw new IllegalArgumentException("funnel stage '" + stage.id() + "' appears twice");
            }
            for (String id : stage.crm()) {
                if (!crm.add(id)) {
                    throw new IllegalArgumentException("CRM stage '" + id + "' is mapped to two funnel stages");
                }
            }
        }
    }

    /** Incoming call → responded → needs identified → meeting → commercial offer → contract → payment. */
    public static FunnelConfig defaults() {
        return new FunnelConfig(null, null);
    }

    private static List<Stage> defaultStages() {
        return List.of(new Stage(CREATED, "Incoming call", null, null), new Stage(RESPONDED, "Responded", null, null),
                new Stage("needs", "Needs identified", null, null), new Stage("meeting", "Meeting / presentation", null, null),
                new Stage("offer", "Commercial offer", null, null), new Stage("contract", "Contract", null, null),
                new Stage("payment", "Payment", null, null));
    }

    /** The stage's position, or -1 when no stage has the CRM stage id. */
    public int indexOfCrmStage(String crmStageId) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).crm().contains(crmStageId)) {
                return i;
            }
        }
        return -1;
    }

    public int indexOf(String stageId) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).id().equals(stageId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param name       what people see (default: the id)
     * @param crm        CRM stage ids that put a deal in this stage
     * @param stuckAfter a lead in this stage longer than this is stuck (default 7 days; {@code responded}-less
     *                   {@code created}: 24 hours)
     */
    public record Stage(String id, String name, List<String> crm, Duration stuckAfter) {
        public Stage {
            TenantConfig.required(id, "funnels.*.stages.*.id");
            name = name == null ? id : name;
            crm = crm == null ? List.of() : List.copyOf(crm);
            stuckAfter = stuckAfter != null ? stuckAfter : id.equals(CREATED) ? Duration.ofHours(24) : Duration.ofDays(7);
        }
    }

    /** The tenant's funnels in their configured order, or the default one alone ({@code sales}). */
    public static Map<String, FunnelConfig> orDefault(Map<String, FunnelConfig> funnels) {
        if (funnels == null || funnels.isEmpty()) {
            return Map.of("sales", defaults());
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(funnels));
    }

    /** The funnel a CRM pipeline belongs to: the first that lists it, else the first funnel. */
    public static String funnelOf(Map<String, FunnelConfig> funnels, String pipeline) {
        List<String> ids = new ArrayList<>(funnels.keySet());
        if (pipeline != null) {
            for (String id : ids) {
                if (funnels.get(id).pipelines().contains(pipeline)) {
                    return id;
                }
            }
        }
        return ids.get(0);
    }
}
