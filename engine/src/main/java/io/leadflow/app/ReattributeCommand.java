package io.leadflow.app;

import io.leadflow.attribution.AttributionModel;
import io.leadflow.attribution.AttributionTopology;
import io.leadflow.config.AttributionConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.engine.EngineSettings;
import io.leadflow.engine.TopicProvisioner;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

@Command(name = "reattribute", mixinStandardHelpOptions = true,
        description = {"Recompute attribution over the whole lead event log with other models or parameters, into topics of its "
                + "own (leadflow.attribution.<label>, leadflow.channel-performance.<label>), beside the live ones and without "
                + "touching the running engine. Shows progress; ends when the log as it was at the start is done."})
final class ReattributeCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--label", required = true, description = "Names the output, e.g. decay-3d: leadflow.attribution.<label>.")
    String label;

    @Option(names = "--model", split = ",", description = "Models to compute (default all): ${COMPLETION-CANDIDATES}, as "
            + "first-touch, time-decay, ...", converter = ModelConverter.class)
    List<AttributionModel> models;

    @Option(names = "--lookback", description = "Touches this long before a lead count, e.g. P60D (default: each tenant's).")
    Duration lookback;

    @Option(names = "--half-life", description = "The time-decay model's half-life, e.g. P3D (default: each tenant's).")
    Duration halfLife;

    @Option(names = "--from", description = "Only leads opened on or after this day (UTC), e.g. 2026-10-01; earlier touches still count.")
    LocalDate from;

    @Option(names = "--state-dir", defaultValue = "./data/reattribute", description = "Where this run keeps its state (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the output topics (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3", description = "Replication of the output topics (default ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Override
    public Integer call() throws Exception {
        if (!label.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("--label must be lower-case letters, digits and dashes, e.g. decay-3d");
        }
        String kafka = cluster.connect();
        LeadflowConfig config = withParameters(cluster.loadConfig());
        Map<String, String> registry = cluster.registryConfig();
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(registry), registry);
        Topics.AttributionOutputs outputs = topics.attributionOutputs(label);
        String applicationId = "leadflow-reattribute-" + label;
        EngineSettings settings = new EngineSettings(applicationId, kafka, registry, stateDir.resolve(label), 1,
                replicationFactor, 0, null, null);
        AttributionTopology.Replay replay = new AttributionTopology.Replay(models == null || models.isEmpty()
                ? EnumSet.allOf(AttributionModel.class) : EnumSet.copyOf(models), from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant());
        PrintStream out = System.err;
        try (Admin admin = Admin.create(KafkaClientConfig.of(kafka, Map.of()))) {
            TopicProvisioner.ensure(admin, outputs.all(), partitions, replicationFactor);
            Map<TopicPartition, Long> end = endOffsets(admin, topics.leadEvents().name());
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            Properties props = new Properties();
            props.putAll(settings.streamsProperties());
            try (KafkaStreams streams = new KafkaStreams(AttributionTopology.replay(topics, outputs, config, replay, settings.streamsProperties()),
                    props)) {
                streams.start();
                long done;
                do {
                    Thread.sleep(500);
                    done = committed(admin, applicationId, end);
                    out.print("\r" + bar(done, total));
                    if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                        out.println();
                        out.println("re-attribution stopped: " + streams.state());
                        return 1;
                    }
                } while (done < total);
                out.println();
                streams.close(Duration.ofSeconds(30));
            }
        }
        System.out.printf("Re-attributed %s into %s and %s (models %s)%n", topics.leadEvents().name(), outputs.attribution().name(),
                outputs.channelPerformance().name(), replay.models().stream().map(AttributionModel::id).collect(Collectors.joining(", ")));
        return 0;
    }

    /** Each tenant's attribution with this run's lookback and half-life. */
    private LeadflowConfig withParameters(LeadflowConfig config) {
        Map<String, TenantConfig> tenants = new HashMap<>();
        config.tenants().forEach((id, t) -> {
            AttributionConfig a = t.attribution();
            AttributionConfig changed = a == null ? null : new AttributionConfig(a.hashSecret(), lookback != null ? lookback : a.lookback(),
                    halfLife != null ? halfLife : a.halfLife(), a.offlineNumbers());
            tenants.put(id, new TenantConfig(t.timeZone(), t.region(), t.mango(), t.zadarma(), t.calltouch(), t.bitrix24(), t.amocrm(),
                    t.leads(), t.roster(), t.sla(), t.alerts(), changed, t.funnels()));
        });
        return new LeadflowConfig(tenants);
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get(30, TimeUnit.SECONDS)
                .forEach((p, info) -> end.put(p, info.offset()));
        return end;
    }

    /** How far the run has committed through the log as it was at the start. */
    private static long committed(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        long done = 0;
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            OffsetAndMetadata offset = offsets.get(partition.getKey());
            done += offset == null ? 0 : Math.min(offset.offset(), partition.getValue());
        }
        return done;
    }

    static String bar(long done, long total) {
        int width = 30;
        double share = total == 0 ? 1 : (double) done / total;
        int filled = (int) Math.round(share * width);
        return String.format("[%s%s] %3d%% %,d / %,d lead events", "#".repeat(filled), " ".repeat(width - filled), Math.round(share * 100),
                done, total);
    }

    /** Accepts model ids as the output names them (time-decay) as well as enum names. */
    static final class ModelConverter implements picocli.CommandLine.ITypeConverter<AttributionModel> {
        @Override
        public AttributionModel convert(String value) {
            for (AttributionModel model : AttributionModel.values()) {
                if (model.id().equalsIgnoreCase(value) || model.name().equalsIgnoreCase(value)) {
                    return model;
                }
            }
            throw new IllegalArgumentException("'" + value + "' is not a model: "
                    + java.util.Arrays.stream(AttributionModel.values()).map(AttributionModel::id).collect(Collectors.joining(", ")));
        }
    }
}
