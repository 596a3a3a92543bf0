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
 * <p>
 * A child funnel ({@code parent}) follows another department's deal linked to the lead's — a logistics estimate for a
 * turnkey deal: a deal of the lead's contact in one of its pipelines moves through its stages (all CRM stages) with
 * their own times, while the lead stays in its funnel and is neither moved nor closed by it.
 *
 * @param pipelines CRM pipeline (Bitrix24 category, amoCRM pipeline) ids that belong to this funnel
 * @param parent    for a child funnel, the funnel whose leads its deals are linked to
 */
public record FunnelConfig(List<Stage> stages, List<String> pipelines, String parent) {
    public static final String CREATED = "created";
    public static final String RESPONDED = "responded";

    public FunnelConfig {
        pipelines = pipelines == null ? List.of() : List.copyOf(pipelines);
        if (parent != null) {
            if (stages == null || stages.isEmpty() || pipelines.isEmpty()) {
                throw new IllegalArgumentException("a child funnel needs its stages and the pipelines of its deals");
            }
            if (stages.stream().anyMatch(s -> s.id().equals(CREATED) || s.id().equals(RESPONDED) || s.crm().isEmpty())) {
                throw new IllegalArgumentException("a child funnel's stages are CRM stages: each lists crm ids, none is '"
                        + CREATED + "' or '" + RESPONDED + "'");
            }
        }
        stages = stages == null || stages.isEmpty() ? defaultStages() : List.copyOf(stages);
        if (parent == null && !stages.get(0).id().equals(CREATED)) {
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
        return new FunnelConfig(null, null, null);
    }

    /** A funnel of the tenant's own leads. */
    public FunnelConfig(List<Stage> stages, List<String> pipelines) {
        this(stages, pipelines, null);
    }

    public boolean isChild() {
        return parent != null;
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

    /** The tenant's funnels in their configured order, or the default one alone ({@code sales}); children checked. */
    public static Map<String, FunnelConfig> orDefault(Map<String, FunnelConfig> funnels) {
        if (funnels == null || funnels.isEmpty()) {
            return Map.of("sales", defaults());
        }
        Set<String> pipelines = new HashSet<>();
        funnels.forEach((id, funnel) -> {
            if (funnel.isChild() && (!funnels.containsKey(funnel.parent()) || funnels.get(funnel.parent()).isChild())) {
                throw new IllegalArgumentException("child funnel '" + id + "' names parent '" + funnel.parent()
                        + "', which is not a funnel of the tenant's own leads");
            }
            funnel.pipelines().forEach(p -> {
                if (!pipelines.add(p)) {
                    throw new IllegalArgumentException("pipeline '" + p + "' is listed by two funnels");
                }
            });
        });
        if (funnels.values().iterator().next().isChild()) {
            throw new IllegalArgumentException("the first funnel, where leads start, cannot be a child funnel");
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(funnels));
    }

    /** The funnel of the tenant's leads a CRM pipeline belongs to: the first that lists it, else the first funnel. */
    public static String funnelOf(Map<String, FunnelConfig> funnels, String pipeline) {
        List<String> ids = new ArrayList<>(funnels.keySet());
        if (pipeline != null) {
            for (String id : ids) {
                if (!funnels.get(id).isChild() && funnels.get(id).pipelines().contains(pipeline)) {
                    return id;
                }
            }
        }
        return ids.get(0);
    }

    /** The child funnel whose deals a CRM pipeline holds, if any. */
    public static java.util.Optional<String> childFunnelOf(Map<String, FunnelConfig> funnels, String pipeline) {
        return pipeline == null ? java.util.Optional.empty() : funnels.entrySet().stream()
                .filter(f -> f.getValue().isChild() && f.getValue().pipelines().contains(pipeline)).map(Map.Entry::getKey).findFirst();
    }
}
