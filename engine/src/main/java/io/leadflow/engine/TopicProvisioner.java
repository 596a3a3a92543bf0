package io.leadflow.engine;

import io.leadflow.topics.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** Creates leadflow's topics that do not exist yet, with the cleanup policy and retention the registry gives them. */
public final class TopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** @return the names of the topics it created */
    public static List<String> ensure(Admin admin, List<Topic<?, ?>> topics, int partitions, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), partitions, replicationFactor).configs(configs(t, replicationFactor)))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                log.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static Map<String, String> configs(Topic<?, ?> topic, short replicationFactor) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        if (!topic.compacted()) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retentionMs()));
        }
        // with acks=all, two in-sync copies before an ack; a single local broker can only have one
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, replicationFactor >= 3 ? "2" : "1");
        return configs;
    }
}
