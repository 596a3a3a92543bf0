package io.leadflow.bench;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.app.HttpOptions;
import io.leadflow.app.LeadflowNode;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.http.HealthChecks;
import io.leadflow.local.LocalKafkaBroker;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineProcess;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.RawEnvelopes;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole engine against the raw broker, on the same machine, in the same run. Phases, in this order:
 * <ol>
 *   <li><b>latency</b>, on an empty log: a gateway in front of a fresh engine; signed summaries POSTed at a steady
 *   rate: webhook ack latency, call → {@code LeadCreated} visible to a read_committed consumer, and for missed calls
 *   with a 20 s SLA the delay from each deadline to its breach alert being readable;</li>
 *   <li><b>raw broker</b>: N Mango call summaries, as the gateway stores them, produced to a 4-partition topic
 *   (idempotent, acks=all, lz4) and consumed read_committed — the rate Kafka alone moves these records at;</li>
 *   <li><b>engine throughput</b>: the same N records as a backlog on {@code leadflow.raw.mango}; an engine process
 *   (the built jar, exactly-once v2) started on it; events/s from RUNNING until it has committed past them all; its
 *   RSS and state directory after; then its restart-to-ready time with that state, and with the state wiped
 *   (restored from the changelogs). Repeated with 2 stream threads, with 2 instances, and with a commit every second
 *   instead of every 100 ms.</li>
 * </ol>
 * <pre>
 * ./mvnw -B -DskipTests install && ./mvnw -B -pl engine test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=io.leadflow.bench.EngineBenchmark -Dexec.args="100000 20 60"
 * </pre>
 * (args: backlog records — 0 for the latency phase alone —, latency phase requests per second, its seconds).
 * <p>
 * Alone, with {@code -Dexec.args="growth 1000000"}: <b>state growth</b>, N new callers' calls (each its own lead) over
 * 30 days produced while one engine works through them; every 15 s its leads so far, RSS, state directory and the
 * changelog topics on the broker. With {@code -Dexec.args="failover 40000"}: <b>fail-over</b>, two instances with a
 * standby replica each over that many calls' state; probe calls (new callers, 10 a second, on every partition) while
 * one instance is stopped with SIGTERM, started again, then killed with SIGKILL: how long a probe waits for its lead.
 * Results in docs/BENCHMARKS.md.
 */
public final class EngineBenchmark {
    private static final String HOST = "127.0.0.1";
    private static final int PARTITIONS = 4;
    /** Yesterday, 09:00 in Moscow: the backlog's calls are recent, well within any topic's retention. */
    private static final Instant DAY = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(1)).plus(Duration.ofHours(6));
    private static final String CONFIG = """
            tenants:
              bench:
                timeZone: Europe/Moscow
                leads: {idSecret: test-lead-id-secret}
                mango: {apiKey: bench-key, apiSalt: bench-salt}
                roster:
                  teams: {sales: {strategy: ROUND_ROBIN, fallback: true}}
                  managers:
                    anna:  {team: sales, extensions: ["101"]}
                    boris: {team: sales, extensions: ["102"]}
                    duty:  {team: sales, extensions: ["103"]}
                sla: {policies: {default: {target: PT20S}}, callbacks: []}
            """;

    private final Path dir;
    private final LeadflowConfig config;
    private final io.leadflow.intake.ContactKeys gatewayKeys;
    private final Path configFile;
    private LocalKafkaBroker broker;
    private EmbeddedSchemaRegistry registry;
    private Topics topics;

    private EngineBenchmark(Path dir) throws IOException {
        this.dir = dir;
        this.configFile = Files.writeString(dir.resolve("leadflow.yaml"), CONFIG);
        this.config = LeadflowConfig.load(configFile);
        this.gatewayKeys = new io.leadflow.intake.ContactKeys(new LeadflowConfig(Map.of("bench", config.tenant("bench").orElseThrow(),
                "demo", LeadflowConfig.load(null).tenant("demo").orElseThrow())), io.leadflow.intake.IntakeTopology.parsers());
    }

    public static void main(String[] args) throws Exception {
        EngineBenchmark bench = new EngineBenchmark(Files.createTempDirectory("leadflow-bench"));
        try {
            bench.start();
            if (args.length > 0 && args[0].equals("growth")) {
                bench.growth(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000);
            } else if (args.length > 0 && args[0].equals("failover")) {
                bench.failover(args.length > 1 ? Integer.parseInt(args[1]) : 40_000);
            } else {
                int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
                double rate = args.length > 1 ? Double.parseDouble(args[1]) : 20;
                int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
                bench.latency(rate, seconds); // first, on an empty log: no backlog (or its overdue SLA timers) in the way
                if (records > 0) {
                    bench.throughput(records);
                }
            }
        } finally {
            bench.stop();
        }
        System.exit(0);
    }

    private void start() {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), HOST, port(), port());
        registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(broker.bootstrapServers(), HOST,
                port(), "_schemas", (short) 1));
        Map<String, String> registryConfig = Map.of("schema.registry.url", registry.url());
        topics = new Topics(SchemaRegistryClients.fromConfig(registryConfig), registryConfig);
    }

    private void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // ---- throughput -------------------------------------------------------------------------------------------

    private void throughput(int n) throws Exception {
        List<ProducerRecord<byte[], byte[]>> repeat = backlog(n);
        long bytes = repeat.stream().mapToLong(r -> r.key().length + r.value().length).sum();
        System.out.printf("%nbacklog: %,d Mango call summaries, %,d bytes (%.0f B each)%n", n, bytes, (double) bytes / n);

        createTopics(List.of("bench.raw"), PARTITIONS);
        double produce = produce("bench.raw", repeat);
        double consume = consume("bench.raw", n);
        double pipe = n / (n / produce + n / consume);
        System.out.printf("raw broker: produce %,.0f rec/s, consume (read_committed) %,.0f rec/s, produce + consume %,.0f rec/s%n",
                produce, consume, pipe);

        String raw = topics.raw(Vendor.MANGO).name();
        List<Row> rows = new ArrayList<>();
        // new callers first: a campaign's burst, each call its own lead, under the bundled demo configuration (shifts,
        // business hours, callbacks); then the same number of calls from n/4 repeat callers under the bench configuration
        createTopics(List.of(raw), PARTITIONS);
        produce(raw, newCallers(n));
        rows.add(engineRun("new callers, demo config: 1 instance, 1 thread", n, null, 1, 1, false));
        deleteLeadflowTopics();
        createTopics(List.of(raw), PARTITIONS);
        produce(raw, repeat);
        rows.add(engineRun("repeat callers: 1 instance, 1 thread", n, configFile, 1, 1, true));
        rows.add(engineRun("repeat callers: 1 instance, 2 threads", n, configFile, 1, 2, false));
        rows.add(engineRun("repeat callers: 2 instances, 1 thread each", n, configFile, 2, 1, false));
        System.out.printf("%n| engine (exactly-once v2) | calls/s, everything consumed | vs raw produce + consume | calls/s, raw input consumed | records written / call | bytes written / call | transactions | RSS after | state dir | restart, state kept | restart, state wiped |%n");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Row row : rows) {
            double all = row.calls / (row.caughtUp.toMillis() / 1000.0);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %.3f | %,.0f | %.1f | %,.0f B | %,d | %s | %s | %s | %s |%n", row.label,
                    all, all / pipe, row.callsPerSecond, row.recordsPerCall, row.bytesPerCall,
                    row.transactions, mib(row.rss), mib(row.stateBytes), seconds(row.restartKept), seconds(row.restartWiped));
        }
    }

    private record Row(String label, long calls, double callsPerSecond, Duration caughtUp, double recordsPerCall, double bytesPerCall,
                       long transactions, long rss, long stateBytes, Duration restartKept, Duration restartWiped) {
    }

    /**
     * A fresh application id over the backlog on the raw topic: from ready (GET /health 200) until its consumer group has
     * committed past every raw record, read from committed offsets against log ends (no reading of the backlog, which
     * would load the two cores the engine runs on). Then what it wrote per call: records, bytes on the broker's disk,
     * transactions (the stream threads' commits).
     */
    private Row engineRun(String label, int n, Path config, int instances, int threads, boolean measureRestarts, String... options)
            throws Exception {
        String applicationId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        String raw = topics.raw(Vendor.MANGO).name();
        WriteBudget budget = new WriteBudget(broker.bootstrapServers(), dir.resolve("kafka"),
                topic -> !topic.startsWith("leadflow.raw.") && !topic.startsWith("bench.") && !topic.startsWith("__") && !topic.equals("_schemas"));
        WriteBudget.Snapshot before = budget.snapshot();
        List<EngineProcess> engines = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            engines.add(engine(applicationId, config, i, threads, options));
        }
        Instant started = Instant.now();
        for (EngineProcess engine : engines) {
            engine.start();
        }
        for (EngineProcess engine : engines) {
            engine.awaitReady(Duration.ofMinutes(3));
        }
        Instant ready = Instant.now();
        long input = awaitInputConsumed(applicationId, raw, Duration.ofMinutes(60));
        Instant consumed = Instant.now();
        awaitCaughtUp(applicationId, Duration.ofMinutes(10));
        Instant caughtUp = Instant.now();
        long transactions = engines.stream().mapToLong(EngineProcess::commits).sum();
        double callsPerSecond = input / (Duration.between(ready, consumed).toMillis() / 1000.0);
        long rss = engines.stream().mapToLong(EngineProcess::rssBytes).sum();
        long state = engines.stream().mapToLong(EngineProcess::stateBytes).sum();
        System.out.printf("%s: ready after %.1f s, %,d calls consumed in %.1f s → %,.0f calls/s; everything caught up %.1f s after ready%n",
                label, Duration.between(started, ready).toMillis() / 1000.0, input, Duration.between(ready, consumed).toMillis() / 1000.0,
                callsPerSecond, Duration.between(ready, caughtUp).toMillis() / 1000.0);
        Duration kept = null;
        Duration wiped = null;
        if (measureRestarts) {
            EngineProcess engine = engines.get(0);
            engine.stop();
            kept = timeToReady(engine, false);
            engine.stop();
            wiped = timeToReady(engine, true);
        }
        for (EngineProcess engine : engines) {
            engine.stop();
        }
        Map<String, WriteBudget.Written> written = budget.between(before, budget.snapshot());
        long records = written.values().stream().mapToLong(WriteBudget.Written::records).sum();
        long bytes = written.values().stream().mapToLong(WriteBudget.Written::bytes).sum();
        System.out.printf(Locale.ROOT, "  written per call: %.2f records, %,.0f bytes; %,d transactions (commits); per topic:%n",
                (double) records / input, (double) bytes / input, transactions);
        written.values().stream().filter(w -> w.records() > 0)
                .sorted(java.util.Comparator.comparingLong(WriteBudget.Written::records).reversed())
                .forEach(w -> System.out.printf(Locale.ROOT, "    %-60s %9.3f rec/call %8.0f B/call (%,d markers)%n",
                        w.topic().replace(applicationId, "<app>"), (double) w.records() / input, (double) w.bytes() / input, w.markers()));
        return new Row(label, input, callsPerSecond, Duration.between(ready, caughtUp), (double) records / input, (double) bytes / input,
                transactions, rss, state, kept, wiped);
    }

    /** Until the group committed every raw record (raw topics are written without transactions: their end is their last record). */
    private long awaitInputConsumed(String applicationId, String input, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(input, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            Map<org.apache.kafka.common.TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((p, info) -> ends.put(p, info.offset()));
            while (System.nanoTime() < deadline) {
                var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
                if (ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue())) {
                    return ends.values().stream().mapToLong(Long::longValue).sum();
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(applicationId + " did not consume " + input + " within " + timeout);
    }

    /**
     * Until every topic the group reads is consumed: no open transaction, and each committed offset at the log end or just
     * before it (the engine's own topics are written in transactions, whose last offset is a commit marker, not a record).
     */
    private void awaitCaughtUp(String applicationId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            while (System.nanoTime() < deadline) {
                var committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(p -> latest.put(p, org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var stable = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                        org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
                var written = admin.listOffsets(latest).all().get();
                boolean done = committed.entrySet().stream().allMatch(e -> {
                    long end = written.get(e.getKey()).offset();
                    return stable.get(e.getKey()).offset() == end && e.getValue().offset() >= end - 1;
                });
                if (done) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(applicationId + " did not catch up within " + timeout);
    }

    /** Deletes every leadflow topic (outputs and the raw input), so the next backlog starts on empty topics. */
    private void deleteLeadflowTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            var names = admin.listTopics().names().get().stream().filter(t -> t.startsWith("leadflow.") || t.startsWith("bench-")).toList();
            admin.deleteTopics(names).all().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (admin.listTopics().names().get().stream().anyMatch(names::contains) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }
    }

    private long latencyRequests;

    /** An engine process of the built jar: instance {@code index} of {@code applicationId}, with the bench configuration. */
    private EngineProcess engine(String applicationId, int index, int threads, String... more) {
        return engine(applicationId, configFile, index, threads, more);
    }

    /** @param config the tenants' file, or null for the bundled demo configuration */
    private EngineProcess engine(String applicationId, Path config, int index, int threads, String... more) {
        List<String> options = new ArrayList<>(List.of("--application-id=" + applicationId, "--instance-id=" + applicationId + "-" + index,
                "--stream-threads=" + threads, "--partitions=" + PARTITIONS));
        // -Dbench.engine.options="--kafka-property=a=b ...": the same runs with other engine settings, to compare
        options.addAll(java.util.Arrays.stream(System.getProperty("bench.engine.options", "").split(" ")).filter(o -> !o.isBlank()).toList());
        options.addAll(List.of(more));
        return new EngineProcess("1g", broker.bootstrapServers(), registry.url(), config, dir.resolve(applicationId + "-" + index),
                port(), dir.resolve(applicationId + "-" + index + ".log"), options);
    }

    /** From start to ready, with its state as it is or wiped. */
    private static Duration timeToReady(EngineProcess engine, boolean wipe) throws Exception {
        if (wipe) {
            engine.wipeState();
        }
        Instant t0 = Instant.now();
        engine.start();
        engine.awaitReady(Duration.ofMinutes(10));
        return Duration.between(t0, Instant.now());
    }

    // ---- growth -----------------------------------------------------------------------------------------------

    /**
     * State as leads accumulate: {@code leads} calls of as many new callers, each its own lead, spread over 30 days and
     * produced as fast as the broker takes them while one engine works through them.
     */
    private void growth(int leads) throws Exception {
        String raw = topics.raw(Vendor.MANGO).name();
        EngineProcess engine = engine("bench-growth", 0, 1);
        engine.start(); // first: it creates the raw topics as leadflow keeps them (90 days), and the calls are a month old
        engine.awaitReady(Duration.ofMinutes(3));
        VendorRequests requests = new VendorRequests("bench", config.tenant("bench").orElseThrow());
        Instant first = DAY.minus(Duration.ofDays(30));
        long spacing = Duration.ofDays(30).toMillis() / leads;
        Thread producer = new Thread(() -> produce(raw, java.util.stream.IntStream.range(0, leads)
                .mapToObj(i -> call(requests, i, "7900" + String.format("%07d", i), first.plusMillis(i * spacing)))), "bench-producer");
        producer.start();
        System.out.printf("%ngrowth: %,d leads (one call each, new callers, over 30 days), one engine (1 thread, RocksDB budget 256 MiB, heap 1 GiB)%n", leads);
        System.out.println("| elapsed | leads consumed | events/s since last | RSS | state dir | changelogs on the broker |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        long t0 = System.nanoTime();
        long last = 0;
        long lastAt = t0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            while (last < leads) {
                Thread.sleep(15_000);
                long consumed = admin.listConsumerGroupOffsets("bench-growth").partitionsToOffsetAndMetadata().get().entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(raw)).mapToLong(e -> e.getValue().offset()).sum();
                long now = System.nanoTime();
                System.out.printf(Locale.ROOT, "| %.0f s | %,d | %,.0f | %s | %s | %s |%n", (now - t0) / 1e9, consumed,
                        (consumed - last) / ((now - lastAt) / 1e9), mib(engine.rssBytes()), mib(engine.stateBytes()), mib(changelogBytes()));
                last = consumed;
                lastAt = now;
            }
        } finally {
            producer.join();
            engine.stop();
        }
    }

    /** Bytes of the changelog topics' log segments on the broker (not their indexes, which are preallocated). */
    private long changelogBytes() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("kafka"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log") && f.getParent().getFileName().toString().contains("-changelog-"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    // ---- fail-over --------------------------------------------------------------------------------------------

    /**
     * Two instances with a standby replica each over the state of {@code calls} calls; a probe call of a new caller every
     * 100 ms (the callers spread over all partitions) throughout; one instance stopped with SIGTERM, started again, then
     * killed with SIGKILL. Per stretch: how long the probes sent in it waited for their LeadCreated.
     */
    private void failover(int calls) throws Exception {
        String raw = topics.raw(Vendor.MANGO).name();
        String applicationId = "bench-failover";
        List<EngineProcess> engines = List.of(engine(applicationId, 0, 1, "--standby-replicas=1"),
                engine(applicationId, 1, 1, "--standby-replicas=1"));
        for (EngineProcess engine : engines) {
            engine.start(); // first: they create the raw topics as leadflow keeps them (the backlog's calls are days old)
        }
        for (EngineProcess engine : engines) {
            engine.awaitReady(Duration.ofMinutes(3));
        }
        produce(raw, backlog(calls));
        KafkaTestBroker.awaitConsumed(broker.bootstrapServers(), applicationId, List.of(raw), Duration.ofMinutes(30));
        Thread.sleep(10_000); // the standbys catch up

        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> readCreated(answeredAt, running, positioned), "bench-reader");
        reader.start();
        positioned.await();
        List<String> stretches = new ArrayList<>();
        List<long[]> bounds = new ArrayList<>();
        VendorRequests requests = new VendorRequests("bench", config.tenant("bench").orElseThrow());
        Thread prober = new Thread(() -> {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 10_000_000; running.get(); i++) {
                    ProducerRecord<byte[], byte[]> probe = call(requests, i, "7933" + String.format("%07d", i % 10_000_000), Instant.now());
                    sentAt.put("bench-" + i, System.currentTimeMillis());
                    producer.send(probe);
                    producer.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-prober");
        prober.start();
        try {
            stretch("both instances up", 15, stretches, bounds);
            engines.get(1).stop();
            stretch("instance 2 stopped with SIGTERM (it leaves the group)", 30, stretches, bounds);
            engines.get(1).start();
            engines.get(1).awaitReady(Duration.ofMinutes(3));
            stretch("instance 2 back", 30, stretches, bounds);
            engines.get(1).kill9();
            stretch("instance 2 killed with SIGKILL (the group waits for its session to time out)", 90, stretches, bounds);
        } finally {
            running.set(false);
            prober.join();
            Thread.sleep(5_000);
            reader.join();
            for (EngineProcess engine : engines) {
                engine.stop();
            }
        }
        System.out.printf("%nfail-over: 2 instances, 1 standby replica each, state of %,d calls; a probe call every 100 ms%n", calls);
        System.out.println("| stretch | probes | p50 wait | p99 wait | longest wait | never answered |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int i = 0; i < stretches.size(); i++) {
            long from = bounds.get(i)[0];
            long to = bounds.get(i)[1];
            DDSketch waits = DDSketches.unboundedDense(0.01);
            int lost = 0;
            for (Map.Entry<String, Long> probe : sentAt.entrySet()) {
                if (probe.getValue() >= from && probe.getValue() < to) {
                    Long answered = answeredAt.get(probe.getKey());
                    if (answered == null) {
                        lost++;
                    } else {
                        waits.accept(Math.max(0, answered - probe.getValue()));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %,d | %.0f ms | %.0f ms | %.0f ms | %d |%n", stretches.get(i), (long) waits.getCount() + lost,
                    waits.isEmpty() ? 0 : waits.getValueAtQuantile(0.5), waits.isEmpty() ? 0 : waits.getValueAtQuantile(0.99),
                    waits.isEmpty() ? 0 : waits.getMaxValue(), lost);
        }
    }

    private static void stretch(String label, int seconds, List<String> stretches, List<long[]> bounds) throws InterruptedException {
        long from = System.currentTimeMillis();
        Thread.sleep(seconds * 1000L);
        stretches.add(label);
        bounds.add(new long[]{from, System.currentTimeMillis()});
        System.out.printf("%s: %d s%n", label, seconds);
    }

    /** Notes when each LeadCreated of a call becomes readable (read_committed), from the log's end on. */
    private void readCreated(Map<String, Long> answeredAt, AtomicBoolean running, java.util.concurrent.CountDownLatch positioned) {
        Topic<ContactKey, LeadEvent> events = topics.leadEvents();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(events.name()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(events.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            long quietSince = Long.MAX_VALUE;
            while (running.get() || System.currentTimeMillis() - quietSince < 60_000) {
                if (!running.get() && quietSince == Long.MAX_VALUE) {
                    quietSince = System.currentTimeMillis(); // probes stopped: a minute more for the last ones
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    LeadEvent event = events.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (event.getPayload() instanceof LeadCreated created && created.getCallId() != null) {
                        answeredAt.putIfAbsent(created.getCallId(), System.currentTimeMillis());
                    }
                }
            }
        }
    }

    // ---- latency ----------------------------------------------------------------------------------------------

    private void latency(double rate, int seconds) throws Exception {
        EngineProcess engine = engine("bench-latency", 0, 1);
        engine.start();
        engine.awaitReady(Duration.ofMinutes(3));
        Map<String, String> registryConfig = Map.of("schema.registry.url", registry.url());
        DDSketch ack = DDSketches.unboundedDense(0.01);
        DDSketch toLead = DDSketches.unboundedDense(0.01);
        DDSketch toAssigned = DDSketches.unboundedDense(0.01);
        DDSketch toLeadEarly = DDSketches.unboundedDense(0.01);
        DDSketch toAssignedEarly = DDSketches.unboundedDense(0.01);
        DDSketch toAlert = DDSketches.unboundedDense(0.01);
        long upAt = System.currentTimeMillis();
        Latencies latencies = new Latencies(toLead, toAssigned, toLeadEarly, toAssignedEarly, toAlert, upAt + 15_000);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> readLatencies(sentAt, latencies, reading, positioned), "bench-reader");
        try (LeadflowNode gateway = LeadflowNode.start(broker.bootstrapServers(), registryConfig, config, HttpOptions.of(HOST, 0, 256 * 1024),
                null, LeadflowNode.Gateway.WEBHOOKS, new HealthChecks())) {
            reader.start();
            positioned.await();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://" + HOST + ":" + gateway.httpPort());
            VendorRequests requests = new VendorRequests("bench", config.tenant("bench").orElseThrow());
            long intervalNanos = (long) (1e9 / rate);
            long next = System.nanoTime();
            int total = (int) (rate * seconds);
            latencyRequests = total;
            for (int i = 0; i < total; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next += intervalNanos;
                Instant now = Instant.now();
                String callId = "lat-" + i;
                boolean missed = i % 2 == 1; // half of them missed: their 20 s SLA runs out 15 s from now, a breach alert follows
                String json = VendorPayloads.mangoSummary(callId, true, "7925" + String.format("%07d", i), "101", "74951234567",
                        now.minusSeconds(5), missed ? null : now.minusSeconds(3), now);
                WebhookRequest request = requests.mango("summary", json);
                long t0 = System.nanoTime();
                sentAt.put(callId, System.currentTimeMillis());
                HttpResponse<String> response = request.send(http, base, Duration.ofSeconds(30));
                ack.accept((System.nanoTime() - t0) / 1e6);
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("gateway answered " + response.statusCode() + ": " + response.body());
                }
            }
            Thread.sleep(30_000); // the last deadlines (call start + 20 s) and their alerts
        } finally {
            reading.set(false);
            reader.join();
            engine.stop();
        }
        System.out.printf("%nlatency: %d webhook requests at %.0f/s (half missed calls with a 20 s SLA)%n", (int) (rate * seconds), rate);
        System.out.println("| measure | count | p50 | p90 | p99 | max |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        print("webhook ack (POST → 200, stored in Kafka)", ack);
        print("call summary POSTed → LeadCreated readable (read_committed)", toLead);
        print("call summary POSTed → LeadAssigned readable (read_committed)", toAssigned);
        print("the same, calls sent in the first 15 s after /health said UP: LeadCreated", toLeadEarly);
        print("the same, calls sent in the first 15 s after /health said UP: LeadAssigned", toAssignedEarly);
        print("SLA deadline → breach alert readable (read_committed)", toAlert);
    }

    /** Where the reader records: calls sent before {@code earlyUntil} (epoch ms) count in the early sketches, and in the others. */
    private record Latencies(DDSketch toLead, DDSketch toAssigned, DDSketch toLeadEarly, DDSketch toAssignedEarly, DDSketch toAlert,
                             long earlyUntil) {
        void created(long sent, long now) {
            toLead.accept(now - sent);
            if (sent < earlyUntil) {
                toLeadEarly.accept(now - sent);
            }
        }

        void assigned(long sent, long now) {
            toAssigned.accept(now - sent);
            if (sent < earlyUntil) {
                toAssignedEarly.accept(now - sent);
            }
        }
    }

    private void readLatencies(Map<String, Long> sentAt, Latencies latencies, AtomicBoolean reading,
                               java.util.concurrent.CountDownLatch positioned) {
        Map<String, Long> leadSentAt = new HashMap<>();
        Map<String, Object> props = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        Topic<ContactKey, LeadEvent> events = topics.leadEvents();
        Topic<ContactKey, Alert> alerts = topics.alerts();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(events.name(), alerts.name())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "the end" now, before the first request is sent
            positioned.countDown();
            while (reading.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(events.name())) {
                        LeadEvent event = events.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        if (event.getPayload() instanceof LeadCreated created && created.getCallId() != null && sentAt.containsKey(created.getCallId())) {
                            latencies.created(sentAt.get(created.getCallId()), now);
                            leadSentAt.put(event.getLeadId(), sentAt.get(created.getCallId()));
                        } else if (event.getPayload() instanceof io.leadflow.avro.LeadAssigned && leadSentAt.containsKey(event.getLeadId())) {
                            latencies.assigned(leadSentAt.remove(event.getLeadId()), now);
                        }
                    } else {
                        Alert alert = alerts.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        if (alert.getKind() == AlertKind.SLA_BREACHED && alert.getDeadline() != null && "bench".equals(alert.getTenant())) {
                            latencies.toAlert().accept(now - alert.getDeadline().toEpochMilli());
                        }
                    }
                }
            }
        }
    }

    private static void print(String label, DDSketch sketch) {
        if (sketch.isEmpty()) {
            System.out.printf("| %s | 0 | | | | |%n", label);
            return;
        }
        System.out.printf(Locale.ROOT, "| %s | %,d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n", label, (long) sketch.getCount(),
                sketch.getValueAtQuantile(0.5), sketch.getValueAtQuantile(0.9), sketch.getValueAtQuantile(0.99), sketch.getMaxValue());
    }

    private static int port() {
        try {
            return KafkaTestBroker.freePort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- input ------------------------------------------------------------------------------------------------

    /** N call summaries of N/4 callers through the day, serialized as the gateway writes them. */
    private List<ProducerRecord<byte[], byte[]>> backlog(int n) {
        VendorRequests requests = new VendorRequests("bench", config.tenant("bench").orElseThrow());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(call(requests, i, "7916" + String.format("%07d", i % Math.max(1, n / 4)), DAY.plusMillis(i * 400L)));
        }
        return records;
    }

    /**
     * N calls of N new callers to the bundled demo configuration's line through yesterday's working day (every fourth
     * missed), as the gateway writes them: each opens a lead that the demo roster's shifts and rotation route.
     */
    private List<ProducerRecord<byte[], byte[]>> newCallers(int n) {
        VendorRequests requests = new VendorRequests("demo", LeadflowConfig.load(null).tenant("demo").orElseThrow());
        long spacing = Duration.ofHours(9).toMillis() / n;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(call(requests, "demo", "74953079651", i, "7917" + String.format("%07d", i), DAY.plusMillis(i * spacing)));
        }
        return records;
    }

    private ProducerRecord<byte[], byte[]> call(VendorRequests requests, int i, String caller, Instant at) {
        return call(requests, "bench", "74951234567", i, caller, at);
    }

    /** Call {@code i} of {@code caller} at {@code at} (every fourth missed), as the gateway writes it to the raw topic. */
    private ProducerRecord<byte[], byte[]> call(VendorRequests requests, String tenant, String line, int i, String caller, Instant at) {
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.MANGO);
        boolean answered = i % 4 != 0;
        String json = VendorPayloads.mangoSummary("bench-" + i, true, caller, "10" + (1 + i % 3), line, at,
                answered ? at.plusSeconds(4) : null, at.plusSeconds(60));
        RawEnvelope envelope = RawEnvelope.newBuilder(RawEnvelopes.of(Vendor.MANGO, "events/summary", "mango:summary:bench-" + i,
                requests.mango("summary", json))).setReceivedAt(at.plusSeconds(61)).build();
        // keyed as the gateway keys it: by the caller
        RawKey key = gatewayKeys.keyFor(envelope, new RawKey(tenant, envelope.getDedupeKey()));
        return new ProducerRecord<>(raw.name(), null, envelope.getReceivedAt().toEpochMilli(),
                raw.keySerde().serializer().serialize(raw.name(), key),
                raw.valueSerde().serializer().serialize(raw.name(), envelope));
    }

    /** Creates those of {@code names} that do not exist yet (an engine creates its topics, with as many partitions). */
    private void createTopics(List<String> names, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            var existing = admin.listTopics().names().get();
            admin.createTopics(names.stream().filter(n -> !existing.contains(n)).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                    .all().get();
        }
    }

    /** Records/s, the way the gateway writes: idempotent, acks=all, lz4. */
    private double produce(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        long t0 = System.nanoTime();
        produce(topic, records.stream());
        return records.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private void produce(String topic, java.util.stream.Stream<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.LINGER_MS_CONFIG, 5);
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(r -> producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value()), (metadata, error) -> {
                if (error != null) {
                    failed.compareAndSet(null, error);
                }
            }));
            producer.flush();
        }
        if (failed.get() != null) { // a backlog with holes would measure less work than it claims
            throw new IllegalStateException("producing the backlog to " + topic + " failed", failed.get());
        }
    }

    private double consume(String topic, int n) {
        long t0 = System.nanoTime();
        int read = KafkaTestBroker.readAllCommitted(broker.bootstrapServers(), topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                Duration.ofMinutes(10)).size();
        if (read != n) {
            throw new IllegalStateException("read " + read + " of " + n);
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    private static String seconds(Duration d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
