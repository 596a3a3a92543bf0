package io.leadflow.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.SlaClock;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.engine.PeerQueries;
import io.leadflow.http.ApiException;
import io.leadflow.http.HttpServer;
import io.leadflow.lead.LeadTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.leadflow.engine.PeerQueries.enc;
import static io.leadflow.engine.PeerQueries.required;

/**
 * The live SLA board over HTTP: {@code GET /api/sla/board?tenant=[&limit=100]} lists the tenant's open leads, the most
 * overdue first, then those whose deadline is nearest: owner, team, stage, the running SLA's deadline and the time left
 * (negative once breached), with the counts of open and breached leads. Leads live on the instances that own their
 * contacts' partitions, so the instance asked collects the others'. It reads every lead of the local state stores: fine
 * for a board refreshed every few seconds over tens of thousands of contacts.
 */
public final class SlaBoardApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LIMIT = 1_000;

    private final KafkaStreams streams;
    private final LeadflowConfig config;
    private final HostInfo self;
    private final Clock clock;
    private final PeerQueries peers = new PeerQueries();

    /** @param self this instance's {@code application.server}, or null for a single instance */
    public SlaBoardApi(KafkaStreams streams, LeadflowConfig config, HostInfo self, Clock clock) {
        this.streams = streams;
        this.config = config;
        this.self = self;
        this.clock = clock;
    }

    public void mount(HttpServer server) {
        server.routes().get("/api/sla/board", this::board);
    }

    /** One open lead on the board. {@code secondsLeft} null: no SLA running (responded, or no policy applies). */
    record Row(String leadId, String contact, String leadClass, String openedAt, String owner, String team, String stage,
               boolean responded, String policy, String deadline, Long secondsLeft) {
        static final Comparator<Row> MOST_URGENT = Comparator.comparing((Row r) -> r.secondsLeft() == null)
                .thenComparing(r -> r.secondsLeft() == null ? 0 : r.secondsLeft()).thenComparing(Row::openedAt);
    }

    private void board(Context ctx) throws IOException, InterruptedException {
        String tenant = required(ctx, "tenant");
        if (config.tenant(tenant).isEmpty()) {
            throw new ApiException(404, "unknown_tenant", "No tenant '" + tenant + "'");
        }
        int limit = limit(ctx);
        Instant now = clock.instant();
        List<Row> rows = local(tenant, now);
        long open = rows.size();
        long breached = rows.stream().filter(r -> r.secondsLeft() != null && r.secondsLeft() < 0).count();
        if (self != null && !PeerQueries.forwarded(ctx)) {
            for (StreamsMetadata instance : streams.streamsMetadataForStore(LeadTopology.STATE_STORE)) {
                if (!self.equals(instance.hostInfo())) {
                    HttpResponse<String> answer = peers.ask(instance.hostInfo(), "/api/sla/board?tenant=" + enc(tenant) + "&limit=" + limit);
                    if (answer.statusCode() != 200) {
                        throw PeerQueries.notReady();
                    }
                    JsonNode theirs = JSON.readTree(answer.body());
                    open += theirs.path("open").asLong();
                    breached += theirs.path("breached").asLong();
                    for (JsonNode row : theirs.path("leads")) {
                        rows.add(JSON.treeToValue(row, Row.class));
                    }
                }
            }
        }
        rows.sort(Row.MOST_URGENT);
        ObjectNode answer = JSON.createObjectNode().put("tenant", tenant).put("asOf", now.toString()).put("open", open).put("breached", breached);
        answer.set("leads", JSON.valueToTree(rows.subList(0, Math.min(limit, rows.size()))));
        ctx.status(200).contentType("application/json").result(JSON.writeValueAsString(answer));
    }

    private List<Row> local(String tenant, Instant now) {
        List<Row> rows = new ArrayList<>();
        try (KeyValueIterator<ContactKey, LeadState> all = streams.store(StoreQueryParameters.fromNameAndType(
                LeadTopology.STATE_STORE, QueryableStoreTypes.<ContactKey, LeadState>keyValueStore())).all()) {
            all.forEachRemaining(e -> {
                LeadState lead = e.value;
                if (lead != null && lead.getStatus() == LeadStatus.OPEN && lead.getTenant().equals(tenant)) {
                    SlaClock running = lead.getSlaClocks().stream().filter(c -> c.getDeadline() != null)
                            .min(Comparator.comparing(SlaClock::getDeadline)).orElse(null);
                    rows.add(new Row(lead.getLeadId(), lead.getContact(), lead.getLeadClass().name(), lead.getOpenedAt().toString(),
                            lead.getOwner(), lead.getTeam(), lead.getStage(), lead.getRespondedAt() != null,
                            running == null ? null : running.getPolicy(), running == null ? null : running.getDeadline().toString(),
                            running == null ? null : Duration.between(now, running.getDeadline()).toSeconds()));
                }
            });
        } catch (InvalidStateStoreException e) {
            throw PeerQueries.notReady();
        }
        return rows;
    }

    private static int limit(Context ctx) {
        String value = ctx.queryParam("limit");
        try {
            int limit = value == null ? 100 : Integer.parseInt(value);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "invalid_limit", "'limit' must be a number from 1 to " + MAX_LIMIT + ", not '" + value + "'");
        }
    }
}
