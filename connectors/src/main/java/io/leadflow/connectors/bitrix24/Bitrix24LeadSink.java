package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.Bitrix24Leads;
import io.leadflow.connectors.client.RetryingConsumer;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.topics.DeadLetters;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Puts leadflow's leads where the sales team works: for each lead, one Bitrix24 CRM lead (title, phone, source,
 * UTM fields, owner) and its PBX calls in the lead's card. Reads {@code leadflow.lead-events} (read_committed)
 * and commits each event's offset once the portal has it.
 * <ul>
 *   <li>A lead is found by {@code ORIGINATOR_ID=leadflow} + {@code ORIGIN_ID=<leadId>} before it is added, so a
 *       retried event updates the lead it created instead of adding a second one.</li>
 *   <li>A call is registered with the vendor's call id as {@code EXTERNAL_CALL_ID} (the portal answers a repeat with
 *       the same {@code CALL_ID}) and finished with its duration and outcome.</li>
 *   <li>The owner's portal user comes from the roster ({@code crm.bitrix24} of the manager).</li>
 * </ul>
 * When the portal or Kafka is down the sink waits and tries again from the first unfinished event: an outage
 * delays, never loses. A request the portal refuses (a bad user id) goes to the dead-letter topic.
 */
public final class Bitrix24LeadSink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Bitrix24LeadSink.class);
    public static final String GROUP = "leadflow-bitrix24-lead-sink";
    public static final String ORIGINATOR = "leadflow";
    static final String STAGE = "bitrix24-lead-sink";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REMEMBERED_LEADS = 10_000;

    private final Topic<ContactKey, LeadEvent> events;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final Map<String, Portal> portals = new HashMap<>();
    /** leadflow lead id → CRM lead id: saves a lookup per event; the portal stays the truth. */
    private final Map<String, String> crmIds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_LEADS;
        }
    };
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final RetryingConsumer worker;

    private record Portal(Bitrix24Rest rest, Bitrix24Leads settings, TenantConfig tenant) {
    }

    private Bitrix24LeadSink(LeadflowConfig config, Topics topics, String bootstrapServers, Bitrix24Enricher.VendorApiFactory apis) {
        this.events = topics.leadEvents();
        this.deadLetter = topics.deadLetter();
        config.tenants().forEach((id, tenant) -> {
            if (tenant.bitrix24() != null && tenant.bitrix24().leads() != null) {
                portals.put(id, new Portal(new Bitrix24Rest(tenant.bitrix24().restUrl(), apis.create("Bitrix24 lead sink of tenant " + id)),
                        tenant.bitrix24().leads(), tenant));
            }
        });
        this.deadLetters = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.worker = new RetryingConsumer(GROUP, bootstrapServers, events.name(), 20, this::deliver, () -> { }, () -> { });
    }

    /** Starts when at least one tenant has {@code bitrix24.leads}; null otherwise. */
    public static Bitrix24LeadSink startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers,
                                                     Bitrix24Enricher.VendorApiFactory apis) {
        boolean any = config.tenants().values().stream().anyMatch(t -> t.bitrix24() != null && t.bitrix24().leads() != null);
        if (!any) {
            return null;
        }
        Bitrix24LeadSink sink = new Bitrix24LeadSink(config, topics, bootstrapServers, apis);
        sink.worker.start();
        return sink;
    }

    public Health health() {
        return worker.health("delivering");
    }

    private void deliver(ConsumerRecords<byte[], byte[]> batch, KafkaConsumer<byte[], byte[]> consumer)
            throws VendorApiException, InterruptedException {
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            LeadEvent event = events.valueSerde().deserializer().deserialize(record.topic(), record.value());
            Portal portal = portals.get(event.getTenant());
            if (portal != null) {
                try {
                    deliver(portal, event);
                } catch (VendorApiException e) {
                    if (e.retriable()) {
                        throw e;
                    }
                    deadLetter(record, event, e);
                }
            }
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
        }
    }

    private void deliver(Portal portal, LeadEvent event) throws VendorApiException, InterruptedException {
        if (event.getPayload() instanceof LeadCreated created) {
            String crmId = lead(portal, event, created);
            if (isPbx(created.getVendor()) && created.getCallId() != null) {
                registerCall(portal, event, crmId, created.getCallId(), created.getLine(), created.getAnsweredBy(), created.getTalkSeconds());
            }
        } else if (event.getPayload() instanceof LeadTouched touched && isPbx(touched.getVendor()) && touched.getCallId() != null) {
            registerCall(portal, event, lead(portal, event, null), touched.getCallId(), touched.getLine(), touched.getAnsweredBy(),
                    touched.getTalkSeconds());
        } else if (event.getPayload() instanceof LeadAssigned assigned && assigned.getOwner() != null) {
            ObjectNode params = JSON.createObjectNode().put("id", lead(portal, event, null));
            params.putObject("fields").put("ASSIGNED_BY_ID", user(portal, assigned));
            portal.rest().call("crm.lead.update", params);
        }
    }

    /** The CRM lead of this leadflow lead: found by its origin, or added (from the created event when there is one). */
    private String lead(Portal portal, LeadEvent event, LeadCreated created) throws VendorApiException, InterruptedException {
        String known = crmIds.get(event.getLeadId());
        if (known != null) {
            return known;
        }
        ObjectNode query = JSON.createObjectNode();
        query.putObject("filter").put("ORIGINATOR_ID", ORIGINATOR).put("ORIGIN_ID", event.getLeadId());
        query.putArray("select").add("ID");
        JsonNode found = portal.rest().call("crm.lead.list", query);
        String id;
        if (found.isArray() && !found.isEmpty()) {
            id = found.get(0).path("ID").asText();
        } else {
            ObjectNode params = JSON.createObjectNode();
            params.set("fields", fields(portal, event, created));
            params.putObject("params").put("REGISTER_SONET_EVENT", "N");
            id = portal.rest().call("crm.lead.add", params).asText();
        }
        crmIds.put(event.getLeadId(), id);
        return id;
    }

    private ObjectNode fields(Portal portal, LeadEvent event, LeadCreated created) {
        ObjectNode fields = JSON.createObjectNode();
        boolean form = created != null && created.getChannel() == TouchChannel.FORM;
        fields.put("TITLE", title(created) + " " + event.getContact());
        fields.put("SOURCE_ID", form ? "WEB" : portal.settings().sourceId());
        if (created != null) {
            fields.put("SOURCE_DESCRIPTION", "leadflow: " + created.getVendor().name().toLowerCase(java.util.Locale.ROOT)
                    + (created.getLine() == null ? "" : ", line " + created.getLine()));
        }
        fields.put("ASSIGNED_BY_ID", portal.settings().defaultUserId()); // until the routers' assignment arrives
        fields.put("OPENED", "Y");
        fields.put("ORIGINATOR_ID", ORIGINATOR);
        fields.put("ORIGIN_ID", event.getLeadId());
        fields.putArray("PHONE").addObject().put("VALUE", event.getContact()).put("VALUE_TYPE", "WORK");
        MarketingSource marketing = created == null ? null : created.getMarketing();
        if (marketing != null) {
            putIfPresent(fields, "UTM_SOURCE", marketing.getSource());
            putIfPresent(fields, "UTM_MEDIUM", marketing.getMedium());
            putIfPresent(fields, "UTM_CAMPAIGN", marketing.getCampaign());
            putIfPresent(fields, "UTM_CONTENT", marketing.getContent());
            putIfPresent(fields, "UTM_TERM", marketing.getTerm());
        }
        return fields;
    }

    /** Titles the sales team reads in the CRM's lead list (Russian: the vendors served are Russian). */
    private static String title(LeadCreated created) {
        if (created == null) {
            return "Обращение";
        }
        return created.getLeadClass() == LeadClass.MISSED_CALL ? "Пропущенный звонок"
                : created.getLeadClass() == LeadClass.FORM ? "Заявка с сайта"
                : created.getLeadClass() == LeadClass.RETURNING ? "Повторное обращение"
                : "Входящий звонок";
    }

    private void registerCall(Portal portal, LeadEvent event, String crmId, String callId, String line, String extension, int talkSeconds)
            throws VendorApiException, InterruptedException {
        ObjectNode register = JSON.createObjectNode();
        if (extension != null) {
            register.put("USER_PHONE_INNER", extension);
        } else {
            register.put("USER_ID", portal.settings().defaultUserId());
        }
        register.put("PHONE_NUMBER", event.getContact()).put("TYPE", 2)
                .put("CALL_START_DATE", event.getOccurredAt().atZone(portal.tenant().zone()).toOffsetDateTime().toString())
                .put("CRM_CREATE", 0).put("CRM_ENTITY_TYPE", "LEAD").put("CRM_ENTITY_ID", crmId).put("SHOW", 0)
                .put("EXTERNAL_CALL_ID", callId);
        putIfPresent(register, "LINE_NUMBER", line);
        String bitrixCallId = portal.rest().call("telephony.externalcall.register", register).path("CALL_ID").asText();
        ObjectNode finish = JSON.createObjectNode().put("CALL_ID", bitrixCallId).put("DURATION", talkSeconds)
                .put("STATUS_CODE", extension != null ? "200" : "304").put("ADD_TO_CHAT", 0);
        if (extension != null) {
            finish.put("USER_PHONE_INNER", extension);
        } else {
            finish.put("USER_ID", portal.settings().defaultUserId());
        }
        try {
            portal.rest().call("telephony.externalcall.finish", finish);
        } catch (VendorApiException e) {
            if (e.retriable()) {
                throw e;
            }
            // a retried event finds its call registered and finished already: the card is complete
            log.info("Bitrix24 did not finish call {} again: {}", callId, e.getMessage());
        }
    }

    private static String user(Portal portal, LeadAssigned assigned) {
        String user = assigned.getCrmUsers().get("bitrix24");
        return user != null ? user : portal.settings().defaultUserId();
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, LeadEvent event, VendorApiException e) {
        log.warn("Bitrix24 refused lead event {} of {}; dead-lettered: {}", event.getEventId(), event.getTenant(), e.getMessage());
        try {
            deadLetters.send(DeadLetters.serialized(deadLetter, DeadLetters.keyFor(event.getTenant(), record.topic(), record.partition(),
                    record.offset()), DeadLetters.of(event.getTenant(), STAGE, e.getMessage(), e, record.topic(), record.partition(),
                    record.offset(), record.key(), record.value()))).get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(interrupted);
        } catch (ExecutionException failed) {
            throw new org.apache.kafka.common.KafkaException("Could not dead-letter " + event.getEventId(), failed.getCause());
        }
    }

    private static boolean isPbx(Vendor vendor) {
        return vendor == Vendor.MANGO || vendor == Vendor.ZADARMA;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    @Override
    public void close() {
        worker.close();
        deadLetters.close(Duration.ofSeconds(5));
    }
}
