package io.leadflow.lead;

import io.javalin.http.Context;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadState;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.engine.PeerQueries;
import io.leadflow.http.ApiException;
import io.leadflow.http.HttpServer;
import io.leadflow.intake.PhoneNumbers;
import io.leadflow.registry.serde.AvroJson;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Optional;

import static io.leadflow.engine.PeerQueries.enc;
import static io.leadflow.engine.PeerQueries.notReady;
import static io.leadflow.engine.PeerQueries.required;

/**
 * Current leads over HTTP, from the engine's state stores (interactive queries): by phone
 * ({@code GET /api/leads?tenant=&phone=}) and by lead id ({@code GET /api/leads/{leadId}}). A contact's lead
 * lives on the instance that owns its partition; a query that lands elsewhere is answered by asking that
 * instance ({@code application.server}). A lead id names no partition, so an instance that does not hold
 * it asks the others.
 */
public final class LeadApi {
    private final KafkaStreams streams;
    private final LeadflowConfig config;
    private final Serializer<ContactKey> keySerializer;
    private final HostInfo self;
    private final PeerQueries peers = new PeerQueries();

    /** @param self this instance's {@code application.server}, or null for a single instance */
    public LeadApi(KafkaStreams streams, LeadflowConfig config, Topics topics, HostInfo self) {
        this.streams = streams;
        this.config = config;
        this.keySerializer = topics.leadEvents().keySerde().serializer();
        this.self = self;
    }

    public void mount(HttpServer server) {
        server.routes().get("/api/leads", this::byPhone);
        server.routes().get("/api/leads/{leadId}", this::byId);
    }

    private void byPhone(Context ctx) throws IOException, InterruptedException {
        String tenantId = required(ctx, "tenant");
        TenantConfig tenant = config.tenant(tenantId)
                .orElseThrow(() -> new ApiException(404, "unknown_tenant", "No tenant '" + tenantId + "'"));
        String phone = required(ctx, "phone");
        String contact = PhoneNumbers.toE164(phone, tenant.region())
                .orElseThrow(() -> new ApiException(400, "invalid_phone", "'" + phone + "' is not a phone number"));
        ContactKey key = new ContactKey(tenantId, contact);
        KeyQueryMetadata owner = streams.queryMetadataForKey(LeadTopology.STATE_STORE, key, keySerializer);
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            throw notReady();
        }
        if (self != null && !self.equals(owner.activeHost()) && !PeerQueries.forwarded(ctx)) {
            relay(ctx, owner.activeHost(), "/api/leads?tenant=" + enc(tenantId) + "&phone=" + enc(contact));
            return;
        }
        LeadState lead;
        try {
            lead = streams.store(StoreQueryParameters.fromNameAndType(LeadTopology.STATE_STORE,
                    QueryableStoreTypes.<ContactKey, LeadState>keyValueStore()).withPartition(owner.partition())).get(key);
        } catch (InvalidStateStoreException e) {
            throw notReady(); // rebalancing, or the partition moved away a moment ago
        }
        respond(ctx, lead, "No lead for " + contact + " in tenant " + tenantId);
    }

    private void byId(Context ctx) throws IOException, InterruptedException {
        String leadId = ctx.pathParam("leadId");
        Optional<LeadState> found = localById(leadId);
        if (found.isEmpty() && self != null && !PeerQueries.forwarded(ctx)) {
            for (StreamsMetadata instance : streams.streamsMetadataForStore(LeadTopology.LEAD_ID_STORE)) {
                if (!self.equals(instance.hostInfo()) && relayIfFound(ctx, instance.hostInfo(), "/api/leads/" + enc(leadId))) {
                    return;
                }
            }
        }
        respond(ctx, found.orElse(null), "No lead " + leadId);
    }

    private Optional<LeadState> localById(String leadId) {
        try {
            ReadOnlyKeyValueStore<String, ContactKey> index = streams.store(StoreQueryParameters.fromNameAndType(
                    LeadTopology.LEAD_ID_STORE, QueryableStoreTypes.<String, ContactKey>keyValueStore()));
            ContactKey contact = index.get(leadId);
            if (contact == null) {
                return Optional.empty();
            }
            ReadOnlyKeyValueStore<ContactKey, LeadState> leads = streams.store(StoreQueryParameters.fromNameAndType(
                    LeadTopology.STATE_STORE, QueryableStoreTypes.<ContactKey, LeadState>keyValueStore()));
            // the contact's state may already belong to a newer lead: an old id then answers with the newer lead
            return Optional.ofNullable(leads.get(contact));
        } catch (InvalidStateStoreException e) {
            throw notReady();
        }
    }

    private static void respond(Context ctx, LeadState lead, String notFound) {
        if (lead == null) {
            throw new ApiException(404, "no_lead", notFound);
        }
        ctx.status(200).contentType("application/json").result(AvroJson.of(lead));
    }

    private void relay(Context ctx, HostInfo host, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> answer = peers.ask(host, pathAndQuery);
        ctx.status(answer.statusCode()).contentType("application/json").result(answer.body());
    }

    private boolean relayIfFound(Context ctx, HostInfo host, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> answer = peers.ask(host, pathAndQuery);
        if (answer.statusCode() != 200) {
            return false;
        }
        ctx.status(200).contentType("application/json").result(answer.body());
        return true;
    }
}
