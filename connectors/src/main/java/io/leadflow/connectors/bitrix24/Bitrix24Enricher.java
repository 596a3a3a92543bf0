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
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.topics.DeadLetters;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final LeadflowConfig config;
    private final Topic<RawKey, RawEnvelope> raw;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final Map<String, Bitrix24Rest> portals = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final String transactionalId = GROUP + "-" + UUID.randomUUID();
    private KafkaProducer<byte[], byte[]> producer;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;
    private volatile String lastProblem;

    private Bitrix24Enricher(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApiFactory apis) {
        this.config = config;
        this.raw = topics.raw(Vendor.BITRIX24);
        this.deadLetter = topics.deadLetter();
        config.tenants().forEach((id, tenant) -> {
            if (tenant.bitrix24() != null && tenant.bitrix24().restUrl() != null) {
                portals.put(id, new Bitrix24Rest(tenant.bitrix24().restUrl(), apis.create("Bitrix24 REST of tenant " + id)));
            }
        });
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.bootstrapServers = bootstrapServers;
        this.thread = new Thread(this::run, GROUP);
        thread.setDaemon(true);
    }

    /** Creates the REST client of one portal; tests shorten the backoff. */
    @FunctionalInterface
    public interface VendorApiFactory {
        VendorApi create(String name);
    }

    /** Starts enriching when at least one tenant has {@code bitrix24.restUrl}; null otherwise. */
    public static Bitrix24Enricher startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers,
                                                     VendorApiFactory apis) {
        boolean any = config.tenants().values().stream().anyMatch(t -> t.bitrix24() != null && t.bitrix24().restUrl() != null);
        if (!any) {
            return null;
        }
        Bitrix24Enricher enricher = new Bitrix24Enricher(config, topics, bootstrapServers, apis);
        enricher.thread.start();
        return enricher;
    }

    /** The production client: 2 calls per second per portal, Bitrix24's documented limit, 5 attempts. */
    public static VendorApi defaultApi(String name) {
        return new VendorApi(name, 2, 5, Duration.ofSeconds(1));
    }

    public Health health() {
        String problem = lastProblem;
        return problem == null ? Health.up("enriching") : Health.down(problem);
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        try {
            consumer.subscribe(List.of(raw.name()));
            while (!stopped.get()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    enrich(batch);
                    lastProblem = null;
                    backoff = Duration.ofSeconds(1);
                    continue;
                } catch (VendorApiException e) {
                    lastProblem = "portal unreachable since " + Instant.now() + ": " + e.getMessage();
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) { // the broker away, a rebalance, a fenced producer: start over with a new one
                    lastProblem = "Kafka unavailable since " + Instant.now() + ": " + e.getMessage();
                    discardProducer();
                }
                // nothing of this batch was committed: rewind and try again later
                log.warn("Bitrix24 enrichment paused for {} ms: {}", backoff.toMillis(), lastProblem);
                rewind(batch);
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            lastProblem = "stopped: " + e;
            log.error("Bitrix24 enrichment stopped", e);
        } finally {
            consumer.close();
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    private void enrich(ConsumerRecords<byte[], byte[]> batch) throws VendorApiException, InterruptedException {
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

    /** Back to the batch's first records, on the partitions still ours (revoked ones resume from the committed offset). */
    private void rewind(ConsumerRecords<byte[], byte[]> batch) {
        for (TopicPartition partition : batch.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, batch.records(partition).get(0).offset());
            }
        }
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // zombies are fenced by the consumer group generation (EOS v2), so the id only has to be unique
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer());
        try {
            created.initTransactions();
            return created;
        } catch (KafkaException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    private void discardProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO); // aborts the open transaction, if any
            } catch (KafkaException e) {
                log.debug("Closing the producer also failed", e);
            }
            producer = null;
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    @Override
    public void close() {
        stopped.set(true);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
