package io.leadflow.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.avro.RosterKind;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.RosterConfig.ManagerSpec;
import io.leadflow.config.RosterConfig.TeamSpec;
import io.leadflow.config.TenantConfig;
import io.leadflow.http.ApiException;
import io.leadflow.http.HttpServer;
import io.leadflow.intake.PhoneNumbers;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The roster over HTTP, in the configuration file's shapes: read a tenant's roster, put or delete a team,
 * a line or a manager, switch a manager's availability. Every change is one record on {@code leadflow.roster};
 * the answer comes once Kafka has it and this instance's routing sees it.
 */
public final class RosterApi {
    private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final LeadflowConfig config;
    private final RosterLog log;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public RosterApi(KafkaStreams streams, LeadflowConfig config, RosterLog log, Clock clock) {
        this.streams = streams;
        this.config = config;
        this.log = log;
        this.clock = clock;
    }

    public void mount(HttpServer server) {
        server.routes().get("/api/roster/{tenant}", this::read);
        server.routes().put("/api/roster/{tenant}/teams/{id}", ctx -> put(ctx, RosterKind.TEAM));
        server.routes().put("/api/roster/{tenant}/lines/{id}", ctx -> put(ctx, RosterKind.LINE));
        server.routes().put("/api/roster/{tenant}/managers/{id}", ctx -> put(ctx, RosterKind.MANAGER));
        server.routes().put("/api/roster/{tenant}/managers/{id}/availability", this::availability);
        server.routes().delete("/api/roster/{tenant}/teams/{id}", ctx -> delete(ctx, RosterKind.TEAM));
        server.routes().delete("/api/roster/{tenant}/lines/{id}", ctx -> delete(ctx, RosterKind.LINE));
        server.routes().delete("/api/roster/{tenant}/managers/{id}", ctx -> delete(ctx, RosterKind.MANAGER));
    }

    private void read(Context ctx) {
        String tenant = tenant(ctx).getKey();
        Map<String, Object> teams = new TreeMap<>();
        Map<String, Object> lines = new TreeMap<>();
        Map<String, Object> managers = new TreeMap<>();
        for (RosterEntry entry : entries(tenant)) {
            Map<String, Object> target = switch (entry.getKind()) {
                case TEAM -> teams;
                case LINE -> lines;
                default -> managers;
            };
            target.put(entry.getId(), RosterEntries.describe(entry));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("teams", teams);
        body.put("lines", lines);
        body.put("managers", managers);
        ctx.json(body);
    }

    private void put(Context ctx, RosterKind kind) {
        Map.Entry<String, TenantConfig> tenant = tenant(ctx);
        String id = ctx.pathParam("id");
        Instant now = clock.instant();
        RosterEntry entry;
        try {
            entry = switch (kind) {
                case TEAM -> RosterEntries.team(tenant.getKey(), id, body(ctx, TeamSpec.class), RosterEntries.FROM_API, now);
                case LINE -> RosterEntries.line(tenant.getKey(), tenant.getValue(), id, body(ctx, LineSpec.class).team(),
                        RosterEntries.FROM_API, now);
                default -> RosterEntries.manager(tenant.getKey(), id, body(ctx, ManagerSpec.class), RosterEntries.FROM_API, now);
            };
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_roster_entry", e.getMessage());
        }
        List<RosterEntry> current = entries(tenant.getKey());
        String team = entry.getManager() != null ? entry.getManager().getTeam() : entry.getLine() != null ? entry.getLine().getTeam() : null;
        if (team != null && current.stream().noneMatch(e -> e.getKind() == RosterKind.TEAM && e.getId().equals(team))) {
            throw new ApiException(400, "unknown_team", "Team '" + team + "' is not in tenant " + tenant.getKey() + "'s roster");
        }
        if (entry.getTeam() != null && entry.getTeam().getFallback() && current.stream().anyMatch(e -> e.getKind() == RosterKind.TEAM
                && !e.getId().equals(id) && e.getTeam().getFallback())) {
            throw new ApiException(400, "second_fallback_team", "Another team is already the fallback team");
        }
        write(ctx, RosterEntries.key(entry), entry);
    }

    private void availability(Context ctx) {
        String tenant = tenant(ctx).getKey();
        RosterKey key = new RosterKey(tenant, RosterKind.MANAGER, ctx.pathParam("id"));
        RosterEntry current = entries(tenant).stream().filter(e -> RosterEntries.key(e).equals(key)).findFirst()
                .orElseThrow(() -> new ApiException(404, "unknown_manager", "No manager '" + key.getId() + "'"));
        boolean available = body(ctx, Availability.class).available();
        RosterEntry entry = RosterEntry.newBuilder(current).setSource(RosterEntries.FROM_API).setChangedAt(clock.instant())
                .setManager(io.leadflow.avro.Manager.newBuilder(current.getManager()).setAvailable(available).build()).build();
        write(ctx, key, entry);
    }

    private void delete(Context ctx, RosterKind kind) {
        Map.Entry<String, TenantConfig> tenantEntry = tenant(ctx);
        String tenant = tenantEntry.getKey();
        String id = ctx.pathParam("id");
        List<RosterEntry> current = entries(tenant);
        String entityId = kind != RosterKind.LINE ? id : PhoneNumbers.toE164(id, tenantEntry.getValue().region())
                .orElseThrow(() -> new ApiException(400, "invalid_phone", "'" + id + "' is not a phone number"));
        RosterKey key = new RosterKey(tenant, kind, entityId);
        if (current.stream().noneMatch(e -> RosterEntries.key(e).equals(key))) {
            throw new ApiException(404, "not_in_roster", kind.name().toLowerCase(Locale.ROOT) + " '" + id + "' is not in the roster");
        }
        if (kind == RosterKind.TEAM) {
            List<String> users = current.stream().filter(e -> (e.getManager() != null && e.getManager().getTeam().equals(id))
                    || (e.getLine() != null && e.getLine().getTeam().equals(id))).map(RosterEntry::getId).toList();
            if (!users.isEmpty()) {
                throw new ApiException(409, "team_in_use", "Team '" + id + "' still has " + users + "; move or delete them first");
            }
        }
        write(ctx, key, null);
    }

    private void write(Context ctx, RosterKey key, RosterEntry entry) {
        try {
            log.write(key, entry);
        } catch (IllegalStateException e) {
            throw new ApiException(503, "storage_unavailable", e.getMessage());
        }
        // answer once this instance's routing sees the change, so a script's next call can build on it
        boolean visible = awaitVisible(key, entry);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", key.getKind().name().toLowerCase(Locale.ROOT));
        body.put("id", key.getId());
        body.put(entry == null ? "deleted" : "entry", entry == null ? true : RosterEntries.describe(entry));
        body.put("visible", visible);
        ctx.status(visible ? 200 : 202).json(body);
    }

    private boolean awaitVisible(RosterKey key, RosterEntry entry) {
        Instant deadline = Instant.now().plus(VISIBLE_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            RosterEntry seen = store().get(RosterStore.storeKey(key));
            if (entry == null ? seen == null : entry.equals(seen)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private <T> T body(Context ctx, Class<T> type) {
        try {
            return json.readValue(ctx.body(), type);
        } catch (JsonProcessingException e) {
            // a rule of ours (a bad interval, a weekday) says it best; otherwise Jackson's first line names the field
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new ApiException(400, "invalid_roster_entry", cause.getMessage().split("\n")[0]);
        }
    }

    private Map.Entry<String, TenantConfig> tenant(Context ctx) {
        String id = ctx.pathParam("tenant");
        return Map.entry(id, config.tenant(id).orElseThrow(() -> new ApiException(404, "unknown_tenant", "No tenant '" + id + "'")));
    }

    private List<RosterEntry> entries(String tenant) {
        return RosterStore.entries(store(), tenant);
    }

    private ReadOnlyKeyValueStore<String, RosterEntry> store() {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(RosterStore.NAME, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new ApiException(503, "not_ready", "The engine is starting; retry shortly");
        }
    }

    /** Body of {@code PUT .../lines/{number}}. */
    record LineSpec(String team) {
    }

    /** Body of {@code PUT .../managers/{id}/availability}. */
    record Availability(boolean available) {
    }
}
