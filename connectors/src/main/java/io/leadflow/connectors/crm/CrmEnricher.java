package io.leadflow.connectors.crm;

import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.connectors.client.RetryingConsumer;
import io.leadflow.connectors.client.TransactionalProducers;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.crm.CrmFetcher.Fetched;
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
 * CRM webhooks say that a deal changed, not who its client is (Bitrix24 names only the entity, amoCRM leaves out the
 * contact). This connector reads a CRM's events from its raw topic, fetches what they name over the CRM's API
 * ({@link CrmFetcher}), and stores what it fetched as a new raw envelope on the same topic, for the engine to parse.
 * Reading, writing and the consumer offsets share one Kafka transaction, so each event is enriched exactly once. When
 * the CRM (or Kafka) is unreachable the batch is retried with backoff and nothing moves on: an outage delays, never
 * loses. An entity the CRM says it cannot give goes to the dead-letter topic with its reason.
 */
public final class CrmEnricher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CrmEnricher.class);

    private final Vendor vendor;
    private final String stage;
    private final Map<String, CrmFetcher> fetchers;
    private final Topic<RawKey, RawEnvelope> raw;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final String bootstrapServers;
    private final String transactionalId;
    private final RetryingConsumer worker;
    private KafkaProducer<byte[], byte[]> producer;

    private CrmEnricher(Vendor vendor, Map<String, CrmFetcher> fetchers, Topics topics, String bootstrapServers) {
        this.vendor = vendor;
        String name = vendor.name().toLowerCase(Locale.ROOT);
        this.stage = name + "-enrich";
        this.fetchers = Map.copyOf(fetchers);
        this.raw = topics.raw(vendor);
        this.deadLetter = topics.deadLetter();
        this.bootstrapServers = bootstrapServers;
        String group = group(vendor);
        this.transactionalId = group + "-" + UUID.randomUUID();
        this.worker = new RetryingConsumer(group, bootstrapServers, raw.name(), 50, this::enrich, this::discardProducer, this::discardProducer);
    }

    /** The consumer group of {@code vendor}'s enricher, e.g. {@code leadflow-bitrix24-enricher}. */
    public static String group(Vendor vendor) {
        return "leadflow-" + vendor.name().toLowerCase(Locale.ROOT) + "-enricher";
    }

    /** Starts enriching {@code vendor}'s events for the tenants that have a fetcher (API access); null when none has. */
    public static CrmEnricher startIfConfigured(Vendor vendor, Map<String, CrmFetcher> fetchersByTenant, Topics topics,
                                                String bootstrapServers) {
        if (fetchersByTenant.isEmpty()) {
            return null;
        }
        CrmEnricher enricher = new CrmEnricher(vendor, fetchersByTenant, topics, bootstrapServers);
        enricher.worker.start();
        return enricher;
    }

    public Health health() {
        return worker.health("enriching");
    }

    private void enrich(ConsumerRecords<byte[], byte[]> batch, KafkaConsumer<byte[], byte[]> consumer)
            throws VendorApiException, InterruptedException {
        if (producer == null) {
            producer = TransactionalProducers.start(bootstrapServers, transactionalId, Map.of()); // fenced by the group generation (EOS v2)
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
        CrmFetcher fetcher = fetchers.get(event.getTenant());
        if (fetcher == null) {
            return; // a tenant without API access
        }
        for (String entity : fetcher.entities(event)) {
            try {
                producer.send(enriched(event, entity, fetcher.fetch(entity, event)));
            } catch (VendorApiException e) {
                if (e.retriable() || e.unauthorized()) {
                    throw e; // an outage, or credentials the deployment must fix: wait, never dead-letter every event
                }
                log.warn("{} {} of {} cannot be fetched; dead-lettered: {}", vendor, entity, event.getTenant(), e.getMessage());
                producer.send(DeadLetters.serialized(deadLetter, DeadLetters.keyFor(event.getTenant(), record.topic(), record.partition(),
                        record.offset()), DeadLetters.of(event.getTenant(), stage, entity + ": " + e.getMessage(), e, record.topic(),
                        record.partition(), record.offset(), record.key(), record.value())));
            }
        }
    }

    private ProducerRecord<byte[], byte[]> enriched(RawEnvelope event, String entity, Fetched fetched) {
        Instant now = Instant.now();
        RawEnvelope envelope = RawEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenant(event.getTenant())
                .setVendor(vendor)
                .setKind(fetched.kind())
                .setReceivedAt(now)
                .setMethod("GET")
                .setPath(fetched.kind())
                .setContentType("application/json")
                .setHeaders(Map.of("x-request-id", event.getRequestId())) // the event that caused the fetch
                .setBody(ByteBuffer.wrap(fetched.body().toString().getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true) // fetched from the CRM's authenticated API
                .setDedupeKey(fetched.dedupeKey())
                .build();
        RawKey key = new RawKey(event.getTenant(), entity);
        return new ProducerRecord<>(raw.name(), null, now.toEpochMilli(), raw.keySerde().serializer().serialize(raw.name(), key),
                raw.valueSerde().serializer().serialize(raw.name(), envelope));
    }

    private void discardProducer() {
        TransactionalProducers.discard(producer);
        producer = null;
    }

    @Override
    public void close() {
        worker.close();
    }
}
