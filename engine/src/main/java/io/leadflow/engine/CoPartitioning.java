package io.leadflow.engine;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's tasks read several topics together (a contact's calls, touches and CRM changes meet in one task), which
 * is right only when those topics have the same number of partitions: a contact's records then share a partition
 * number, so one task sees them all. Kafka Streams checks this for DSL joins, not for a processor with several
 * sources; with unequal counts it runs as many tasks as the largest topic has partitions and silently splits contacts
 * between tasks — two open leads for one caller, timers no one fires. So the engine checks before it starts.
 */
public final class CoPartitioning {
    private CoPartitioning() {
    }

    /** The topics each sub-topology reads, by sub-topology id (global stores excluded: every instance reads them whole). */
    public static Map<Integer, Set<String>> sourcesBySubtopology(Topology topology) {
        Map<Integer, Set<String>> sources = new TreeMap<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    sources.computeIfAbsent(subtopology.id(), id -> new TreeSet<>()).addAll(source.topicSet());
                }
            }
        }
        return sources;
    }

    /**
     * What is wrong with {@code partitionCounts} for these groups, one line per group whose topics disagree; topics
     * not in {@code partitionCounts} (not created yet) are left to Kafka Streams.
     */
    public static List<String> mismatches(Map<Integer, Set<String>> groups, Map<String, Integer> partitionCounts) {
        List<String> problems = new ArrayList<>();
        groups.forEach((id, topics) -> {
            Map<String, Integer> counts = new TreeMap<>();
            topics.stream().filter(partitionCounts::containsKey).forEach(t -> counts.put(t, partitionCounts.get(t)));
            if (counts.values().stream().distinct().count() > 1) {
                StringBuilder line = new StringBuilder("sub-topology " + id + " reads");
                counts.forEach((topic, n) -> line.append(' ').append(topic).append(" (").append(n).append(')'));
                problems.add(line.toString());
            }
        });
        return problems;
    }

    /** Refuses, naming the topics and their partition counts, when topics read together are not co-partitioned. */
    public static void check(Admin admin, Topology topology) {
        Map<Integer, Set<String>> groups = sourcesBySubtopology(topology);
        Set<String> all = new TreeSet<>();
        groups.values().forEach(all::addAll);
        Map<String, Integer> counts = new TreeMap<>();
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            all.retainAll(existing);
            Map<String, TopicDescription> described = admin.describeTopics(all).allTopicNames().get(30, TimeUnit.SECONDS);
            described.forEach((name, description) -> counts.put(name, description.partitions().size()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking partition counts", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot check the partition counts of " + all + ": " + e.getMessage(), e);
        }
        List<String> problems = mismatches(groups, counts);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Topics the engine reads together must have the same number of partitions (a contact's"
                    + " records would otherwise reach different tasks): " + String.join("; ", problems)
                    + ". Recreate the odd ones with the others' count and rebuild from the raw topics (ops/README.md, 'Reset and replay'):"
                    + " adding partitions to a keyed topic moves its keys.");
        }
    }
}
