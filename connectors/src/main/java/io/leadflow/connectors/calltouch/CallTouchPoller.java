package io.leadflow.connectors.calltouch;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.avro.ConnectorCursor;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.CallTouchApi;
import io.leadflow.connectors.client.TransactionalProducers;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reconciles one tenant's CallTouch data: pulls the calls diary and the form requests of the last
 * {@code lookback} and stores every record not pulled before as a raw envelope, with the same dedupe
 * identity a webhook of the same call or request carries ({@code calltouch:call:<id>:end},
 * {@code calltouch:request:<id>}), so what a webhook already delivered is dropped by the engine and what
 * a webhook lost is recovered. The records and the new cursor are written in one Kafka transaction: a
 * crash between the two cannot lose or repeat a pull.
 */
public final class CallTouchPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallTouchPoller.class);
    public static final String CONNECTOR = "calltouch-api";
    private static final DateTimeFormatter DIARY_TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy H:mm:ss", Locale.ROOT);

    private final String tenantId;
    private final ZoneId zone;
    private final CallTouchApi settings;
    private final CallTouchApiClient api;
    private final Topics topics;
    private KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;
    private ConnectorCursor cursor;

    public CallTouchPoller(String tenantId, TenantConfig tenant, CallTouchApiClient api, Topics topics, String bootstrapServers) {
        this.tenantId = tenantId;
        this.zone = tenant.zone();
        this.settings = tenant.calltouch().api();
        this.api = api;
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
    }

    /** What one pull found. */
    public record PollResult(int fetched, int stored, Instant through) {
    }

    /** Pulls everything published since the cursor (minus the lookback) and stores what is new. */
    public synchronized PollResult poll(Instant now) throws VendorApiException, InterruptedException {
        if (producer == null) { // on the first pull, not at start-up: the gateway must come up while Kafka is down
            producer = newProducer();
            cursor = loadCursor(bootstrapServers);
        }
        Instant through = cursor == null ? now.minus(settings.lookback()) : cursor.getThrough();
        Instant windowStart = through.minus(settings.lookback());
        List<JsonNode> calls = api.calls(localDate(windowStart), localDate(now));
        List<JsonNode> requests = api.requests(localDate(windowStart), localDate(now));

        Map<String, Long> recent = new HashMap<>(cursor == null ? Map.of() : cursor.getRecent());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (JsonNode call : calls) {
            String id = call.path("callId").asText("");
            Long time = epochMillis(call.path("timestamp"), call.path("date").asText(null));
            if (!id.isEmpty() && isNew("call:" + id, time, windowStart, recent)) {
                out.add(envelope("diary/call", "call:" + id, "calltouch:call:" + id + ":end", call, now));
            }
        }
        for (JsonNode request : requests) {
            String id = request.path("requestId").asText("");
            Long time = request.path("date").canConvertToLong() ? request.path("date").asLong() : null; // epoch millis
            if (!id.isEmpty() && isNew("request:" + id, time, windowStart, recent)) {
                out.add(envelope("diary/request", "request:" + id, "calltouch:request:" + id, request, now));
            }
        }
        long horizon = now.minus(settings.lookback()).minus(settings.lookback()).toEpochMilli();
        recent.values().removeIf(time -> time < horizon);
        ConnectorCursor next = new ConnectorCursor(now, recent, now);

        Topic<RawKey, ConnectorCursor> cursors = topics.connectorCursors();
        RawKey cursorKey = new RawKey(tenantId, CONNECTOR);
        producer.beginTransaction();
        try {
            out.forEach(producer::send);
            producer.send(new ProducerRecord<>(cursors.name(), cursors.keySerde().serializer().serialize(cursors.name(), cursorKey),
                    cursors.valueSerde().serializer().serialize(cursors.name(), next)));
            producer.commitTransaction();
        } catch (KafkaException e) {
            // whatever state the producer is in now (aborted, fenced, timed out), the next pull starts from a new one
            // and from the cursor as Kafka has it
            discardProducer();
            throw e;
        }
        cursor = next;
        log.info("CallTouch pull for {}: {} calls and {} requests read, {} new stored, through {}", tenantId, calls.size(),
                requests.size(), out.size(), now);
        return new PollResult(calls.size() + requests.size(), out.size(), now);
    }

    /** New = inside the re-read window (or of unknown time) and not pulled before. Remembers it. */
    private static boolean isNew(String id, Long time, Instant windowStart, Map<String, Long> recent) {
        if (recent.containsKey(id) || (time != null && time < windowStart.toEpochMilli())) {
            return false;
        }
        recent.put(id, time == null ? windowStart.toEpochMilli() : time);
        return true;
    }

    private Long epochMillis(JsonNode timestamp, String localDate) {
        if (timestamp.canConvertToLong() && timestamp.asLong() > 0) {
            return timestamp.asLong() * 1000;
        }
        try {
            return localDate == null ? null : LocalDateTime.parse(localDate, DIARY_TIME).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null; // stored anyway: the engine decides, and dead-letters it if it cannot read it either
        }
    }

    private ProducerRecord<byte[], byte[]> envelope(String kind, String stream, String dedupeKey, JsonNode record, Instant now) {
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.CALLTOUCH);
        RawEnvelope envelope = RawEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenant(tenantId)
                .setVendor(Vendor.CALLTOUCH)
                .setKind(kind)
                .setReceivedAt(now)
                .setMethod("GET")
                .setPath(kind.equals("diary/call") ? "/calls-service/RestAPI/{siteId}/calls-diary/calls" : "/calls-service/RestAPI/requests")
                .setContentType("application/json")
                .setHeaders(Map.of())
                .setBody(ByteBuffer.wrap(record.toString().getBytes(StandardCharsets.UTF_8)))
                .setRemoteAddress(settings.baseUrl())
                .setSignatureVerified(true) // pulled from the vendor's authenticated API
                .setDedupeKey(dedupeKey)
                .build();
        RawKey key = new RawKey(tenantId, stream);
        return new ProducerRecord<>(raw.name(), null, now.toEpochMilli(), raw.keySerde().serializer().serialize(raw.name(), key),
                raw.valueSerde().serializer().serialize(raw.name(), envelope));
    }

    private java.time.LocalDate localDate(Instant instant) {
        return instant.atZone(zone).toLocalDate();
    }

    /** The newest committed cursor of this tenant, or null on the first run. */
    private ConnectorCursor loadCursor(String bootstrapServers) {
        Topic<RawKey, ConnectorCursor> cursors = topics.connectorCursors();
        RawKey wanted = new RawKey(tenantId, CONNECTOR);
        ConnectorCursor found = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(cursors.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (wanted.equals(cursors.keySerde().deserializer().deserialize(record.topic(), record.key()))) {
                        found = record.value() == null ? null : cursors.valueSerde().deserializer().deserialize(record.topic(), record.value());
                    }
                }
            }
        }
        log.info("CallTouch poller for {} starts {}", tenantId, found == null ? "afresh" : "from " + found.getThrough());
        return found;
    }

    /** Transactional, so records and cursor land together; {@code initTransactions} fences an older instance. */
    private KafkaProducer<byte[], byte[]> newProducer() {
        String id = "leadflow-" + CONNECTOR + "-" + tenantId;
        return TransactionalProducers.start(bootstrapServers, id, Map.of(ProducerConfig.CLIENT_ID_CONFIG, id));
    }

    private void discardProducer() {
        TransactionalProducers.discard(producer);
        producer = null;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
