package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.RetryingConsumer;
import io.leadflow.connectors.client.TransactionalProducers;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.topics.DeadLetters;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Bitrix24 events name an entity and nothing else. This connector reads them from
 * {@code leadflow.raw.bitrix24}, fetches the deal or lead (and a deal's contact, for the phone) over the
 * portal's REST API, and stores what it fetched as a new raw envelope ({@code rest/crm.deal.get},
 * {@code rest/crm.lead.get}) on the same topic, for the engine to parse. Reading, writing and the
 * consumer offsets share one Kafka transaction, so each event is enriched exactly once. When the portal (or Kafka)
 * is unreachable the batch is retried with backoff and nothing moves on: an outage delays, never loses.
 * An entity the portal says does not exist goes to the dead-letter topic.
 */
public final class Bitrix24Enricher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bitrix24Enricher.class);
    public static final String GROUP = "leadflow-bitrix24-enricher";
    static final String STAGE = "bitrix24-enrich";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LeadflowConfig config;
    private final Topic<RawKey, RawEnvelope> raw;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final Map<String, Bitrix24Rest> portals = new HashMap<>();
    private final String bootstrapServers;
    private final String transactionalId = GROUP + "-" + UUID.randomUUID();
    private final RetryingConsumer worker;
    private KafkaProducer<byte[], byte[]> producer;

    private Bitrix24Enricher(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis) {
        this.config = config;
        this.raw = topics.raw(Vendor.BITRIX24);
        this.deadLetter = topics.deadLetter();
        config.tenants().forEach((id, tenant) -> {
            if (tenant.bitrix24() != null && tenant.bitrix24().restUrl() != null) {
                portals.put(id, new Bitrix24Rest(tenant.bitrix24().restUrl(), apis.create("Bitrix24 REST of tenant " + id,
                        tenant.bitrix24().requestsPerSecond())));
            }
        });
        this.bootstrapServers = bootstrapServers;
        this.worker = new RetryingConsumer(GROUP, bootstrapServers, raw.name(), 50, this::enrich, this::discardProducer, this::discardProducer);
    }

    /** Starts enriching when at least one tenant has {@code bitrix24.restUrl}; null otherwise. */
    public static Bitrix24Enricher startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers,
                                                     VendorApi.Factory apis) {
        boolean any = config.tenants().values().stream().anyMatch(t -> t.bitrix24() != null && t.bitrix24().restUrl() != null);
        if (!any) {
            return null;
        }
        Bitrix24Enricher enricher = new Bitrix24Enricher(config, topics, bootstrapServers, apis);
        enricher.worker.start();
        return enricher;
    }

    public Health health() {
        return worker.health("enriching");
    }

    private void enrich(ConsumerRecords<byte[], byte[]> batch, KafkaConsumer<byte[], byte[]> consumer)
            throws VendorApiException, InterruptedException {
        if (producer == null) {
            producer = newProducer();
        }
        producer.beginTransaction();
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                process(record);
                offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (VendorApiException | InterruptedException e) {
            producer.abortTransaction();
            throw e;
        }
    }

    private void process(ConsumerRecord<byte[], byte[]> record) throws VendorApiException, InterruptedException {
        RawEnvelope event = raw.valueSerde().deserializer().deserialize(record.topic(), record.value());
        Bitrix24Rest portal = portals.get(event.getTenant());
        String kind = event.getKind();
        if (portal == null || !kind.startsWith("ONCRM")) {
            return; // our own enriched records, or a tenant without REST access
        }
        String entity = kind.contains("DEAL") ? "deal" : kind.contains("LEAD") ? "lead" : null;
        FormBody form = FormBody.parse(bytes(event.getBody()));
        String id = form.optional("data[FIELDS][ID]");
        if (entity == null || id == null || kind.endsWith("DELETE")) {
            return; // nothing to fetch: other entities, or an entity that is gone
        }
        try {
            ObjectNode fetched = JSON.createObjectNode();
            fetched.put("event", kind).put("ts", form.optional("ts"));
            JsonNode result = portal.get("crm." + entity + ".get", id);
            fetched.set(entity, result);
            String contactId = result.path("CONTACT_ID").asText("");
            if ("deal".equals(entity) && !contactId.isBlank() && !"0".equals(contactId)) {
                fetched.set("contact", portal.get("crm.contact.get", contactId));
            }
            producer.send(enriched(event, entity, id, result.path("DATE_MODIFY").asText(""), fetched));
        } catch (VendorApiException e) {
            if (e.retriable()) {
                throw e;
            }
            log.warn("Bitrix24 {} {} of {} cannot be fetched; dead-lettered: {}", entity, id, event.getTenant(), e.getMessage());
            producer.send(DeadLetters.serialized(deadLetter, DeadLetters.keyFor(event.getTenant(), record.topic(), record.partition(), record.offset()),
                    DeadLetters.of(event.getTenant(), STAGE, e.getMessage(), e, record.topic(), record.partition(), record.offset(),
                            record.key(), record.value())));
        }
    }

    private ProducerRecord<byte[], byte[]> enriched(RawEnvelope event, String entity, String id, String modified, ObjectNode fetched) {
        Instant now = Instant.now();
        RawEnvelope envelope = RawEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenant(event.getTenant())
                .setVendor(Vendor.BITRIX24)
                .setKind("rest/crm." + entity + ".get")
                .setReceivedAt(now)
                .setMethod("GET")
                .setPath("crm." + entity + ".get")
                .setContentType("application/json")
                .setHeaders(Map.of("x-request-id", event.getRequestId())) // the event that caused the fetch
                .setBody(ByteBuffer.wrap(fetched.toString().getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true) // fetched from the portal's authenticated API
                .setDedupeKey("bitrix24:rest:" + entity + ":" + id + ":" + modified)
                .build();
        RawKey key = new RawKey(event.getTenant(), entity + ":" + id);
        return new ProducerRecord<>(raw.name(), null, now.toEpochMilli(), raw.keySerde().serializer().serialize(raw.name(), key),
                raw.valueSerde().serializer().serialize(raw.name(), envelope));
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        // zombies are fenced by the consumer group generation (EOS v2), so the id only has to be unique
        return TransactionalProducers.start(bootstrapServers, transactionalId, Map.of());
    }

    private void discardProducer() {
        TransactionalProducers.discard(producer);
        producer = null;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    @Override
    public void close() {
        worker.close();
    }
}
