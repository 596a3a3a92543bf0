package io.leadflow.app;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.local.LocalKafkaBroker;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineProcess;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.PastWeek;
import io.leadflow.testing.RawEnvelopes;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine as its own OS process, killed with SIGKILL while it works through a day of calls and started again:
 * its lead events, read as an independent read_committed consumer sees them, are the same as those of an
 * uninterrupted engine given the same input on another cluster — nothing lost, nothing doubled, same owners — and so
 * are its funnel figures, whose sums wait in a store for the end of each commit interval.
 * One partition per topic, so that both runs see the contacts in the same order and rotations agree.
 */
class KillNineIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final Instant DAY = PastWeek.monday(6, 0); // 09:00 in Moscow
    private static final String CONFIG = """
            tenants:
              acme:
                timeZone: Europe/Moscow
                leads: {idSecret: test-lead-id-secret}
                mango: {apiKey: k, apiSalt: s}
                roster:
                  teams: {sales: {strategy: ROUND_ROBIN, fallback: true}}
                  managers:
                    anna:  {team: sales, extensions: ["101"]}
                    boris: {team: sales, extensions: ["102"]}
                    clara: {team: sales, extensions: ["103"], shifts: {weekly: {MON-FRI: ["13:00-18:00"]}}}
                # no SLA step falls within the test: a day replayed a week late fires its SLA steps by the wall clock as
                # soon as the engine has caught up, and when that is differs between the two runs (see SlaRestartIT)
                sla: {policies: {default: {target: P60D}}, callbacks: []}
            """;

    @TempDir
    Path dir;

    @Test
    void anEngineKilledMidStreamAndRestartedEmitsTheSameLeadEventsAsOneThatRanThrough() throws Exception {
        Path config = Files.writeString(dir.resolve("leadflow.yaml"), CONFIG);
        List<RawEnvelope> day = day(new VendorRequests("acme", LeadflowConfig.load(config).tenant("acme").orElseThrow()));
        int half = day.size() / 2;

        // Given the same day of calls, uninterrupted on a cluster of its own
        List<String> reference;
        Map<FunnelKey, FunnelFigures> referenceFunnel;
        LocalKafkaBroker other = LocalKafkaBroker.start(dir.resolve("other-kafka"), "127.0.0.1", KafkaTestBroker.freePort(),
                KafkaTestBroker.freePort());
        Map<String, String> mock = Map.of("schema.registry.url", "mock://kill-nine-reference");
        try (other; LeadflowNode node = TestNodes.start(other.bootstrapServers(), mock, LeadflowConfig.load(config), "kill-nine-reference",
                dir.resolve("reference-state"), 1, LeadflowNode.Gateway.OFF)) {
            node.awaitEngineRunning(Duration.ofSeconds(60));
            Topics topics = new Topics(SchemaRegistryClients.fromConfig(mock), mock);
            write(other.bootstrapServers(), topics, day);
            KafkaTestBroker.awaitConsumed(other.bootstrapServers(), "kill-nine-reference", List.of(topics.raw(Vendor.MANGO).name()),
                    Duration.ofSeconds(180));
            reference = facts(allCommitted(other.bootstrapServers(), topics));
            assertThat(reference).hasSizeGreaterThan(150); // created, responded, assigned, touched...
            referenceFunnel = funnel(other.bootstrapServers(), topics, "kill-nine-reference");
            assertThat(referenceFunnel).isNotEmpty();
        } finally {
            SchemaRegistryClients.dropScope("kill-nine-reference");
        }

        // When an engine process gets half of it, is killed -9 as soon as it has written something, gets the rest, restarts
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
                new EmbeddedSchemaRegistry.Config(KAFKA.bootstrapServers(), "127.0.0.1", KafkaTestBroker.freePort(), "_schemas", (short) 1))) {
            Map<String, String> real = Map.of("schema.registry.url", registry.url());
            Topics topics = new Topics(SchemaRegistryClients.fromConfig(real), real);
            KAFKA.createTopics(List.of(topics.raw(Vendor.MANGO).name()), 1);
            write(KAFKA.bootstrapServers(), topics, day.subList(0, half));
            EngineProcess engine = new EngineProcess("512m", KAFKA.bootstrapServers(), registry.url(), config, dir.resolve("killed-state"),
                    KafkaTestBroker.freePort(), dir.resolve("engine.log"), List.of("--application-id=kill-nine", "--instance-id=kill-nine-1",
                    "--partitions=1"));
            engine.start();
            awaitSome(topics, dir.resolve("engine.log"));
            engine.kill9();
            int committedAtKill = allCommitted(KAFKA.bootstrapServers(), topics).size();
            System.out.printf("KillNineIT: killed with %d of %d lead events committed%n", committedAtKill, reference.size());
            write(KAFKA.bootstrapServers(), topics, day.subList(half, day.size()));
            engine.start();
            try {
                KafkaTestBroker.awaitConsumed(KAFKA.bootstrapServers(), "kill-nine", List.of(topics.raw(Vendor.MANGO).name()),
                        Duration.ofSeconds(180));
                List<String> afterKill = facts(allCommitted(KAFKA.bootstrapServers(), topics));

                // Then the same lead events: same leads, same owners, each fact once
                assertThat(afterKill).hasSize(reference.size());
                assertThat(afterKill).containsExactlyInAnyOrderElementsOf(reference);
                // and the same funnel figures, slice by slice
                assertThat(funnel(KAFKA.bootstrapServers(), topics, "kill-nine")).isEqualTo(referenceFunnel);
            } finally {
                engine.stop();
            }
        }
    }

    /** 120 calls of 40 callers through the day: answered and missed, repeat callers, some delivered twice. */
    private static List<RawEnvelope> day(VendorRequests acme) {
        Random random = new Random(7);
        List<RawEnvelope> envelopes = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Instant at = DAY.plusSeconds(i * 240L);
            String caller = "7916" + String.format("%07d", random.nextInt(40));
            boolean answered = random.nextInt(4) > 0;
            String extension = "10" + (1 + random.nextInt(3));
            String json = VendorPayloads.mangoSummary("kill-" + i, true, caller, extension, "74951234567", at,
                    answered ? at.plusSeconds(4) : null, at.plusSeconds(90));
            RawEnvelope envelope = RawEnvelope.newBuilder(RawEnvelopes.of(Vendor.MANGO, "events/summary", "mango:summary:kill-" + i,
                    acme.mango("summary", json))).setReceivedAt(at.plusSeconds(95)).build();
            envelopes.add(envelope);
            if (random.nextInt(10) == 0) {
                envelopes.add(RawEnvelope.newBuilder(envelope).setRequestId(envelope.getRequestId() + "-again").build()); // Mango retried
            }
        }
        return envelopes;
    }

    private static void write(String bootstrapServers, Topics topics, List<RawEnvelope> envelopes) throws Exception {
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.MANGO);
        try (KafkaProducer<RawKey, RawEnvelope> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), raw.keySerde().serializer(), raw.valueSerde().serializer())) {
            for (RawEnvelope envelope : envelopes) {
                producer.send(new ProducerRecord<>(raw.name(), null, envelope.getReceivedAt().toEpochMilli(),
                        new RawKey("acme", envelope.getDedupeKey()), envelope)).get();
            }
        }
    }

    private static void awaitSome(Topics topics, Path engineLog) throws java.io.IOException {
        Topic<ContactKey, LeadEvent> events = topics.leadEvents();
        List<ConsumerRecord<ContactKey, LeadEvent>> some = KafkaTestBroker.readCommitted(KAFKA.bootstrapServers(), events.name(),
                events.keySerde().deserializer(), events.valueSerde().deserializer(), 1, Duration.ofSeconds(90));
        assertThat(some).as("the engine process wrote lead events before it was killed; its log:%n%s", Files.readString(engineLog))
                .isNotEmpty();
    }

    /** The lead events committed so far, as an independent read_committed consumer sees them. */
    private static List<LeadEvent> allCommitted(String bootstrapServers, Topics topics) {
        Topic<ContactKey, LeadEvent> events = topics.leadEvents();
        return KafkaTestBroker.readAllCommitted(bootstrapServers, events.name(), events.keySerde().deserializer(),
                events.valueSerde().deserializer(), Duration.ofSeconds(60)).stream().map(ConsumerRecord::value).toList();
    }

    /**
     * Each funnel slice's latest figures, as a read_committed consumer sees them once the engine has consumed everything
     * and sent the sums of its last events (they leave at the end of a commit interval, 100 ms: waiting several lets
     * them go, and what they cause is then consumed too). Without the event ids and times of the latest change, which
     * name arrival-dependent sequence numbers.
     */
    private static Map<FunnelKey, FunnelFigures> funnel(String bootstrapServers, Topics topics, String applicationId) throws Exception {
        Thread.sleep(2_000);
        KafkaTestBroker.awaitConsumed(bootstrapServers, applicationId, List.of(topics.raw(Vendor.MANGO).name()), Duration.ofSeconds(60));
        Topic<FunnelKey, FunnelFigures> performance = topics.funnelPerformance();
        Map<FunnelKey, FunnelFigures> latest = new HashMap<>();
        KafkaTestBroker.readAllCommitted(bootstrapServers, performance.name(), performance.keySerde().deserializer(),
                performance.valueSerde().deserializer(), Duration.ofSeconds(60)).forEach(r -> latest.put(r.key(),
                FunnelFigures.newBuilder(r.value()).setEventId("").setUpdatedAt(Instant.EPOCH).build()));
        return latest;
    }

    /** Each event as what it says: lead, cause, time and payload (event ids hold arrival-dependent sequence numbers). */
    private static List<String> facts(List<LeadEvent> events) {
        Map<String, List<String>> byLead = events.stream().collect(Collectors.groupingBy(LeadEvent::getLeadId, TreeMap::new,
                Collectors.mapping(e -> e.getLeadId() + " " + e.getCauseId() + " " + e.getOccurredAt() + " " + e.getPayload(),
                        Collectors.toList())));
        return byLead.values().stream().flatMap(List::stream).toList();
    }
}
