package io.leadflow.bench;

import io.leadflow.sla.TimerIndex;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;

/**
 * What firing due SLA timers costs as the number of open timers grows: the same RocksDB store the engine uses
 * ({@link TimerIndex} over a persistent key-value store), {@code open} timers of which {@code due} fall due per
 * punctuation; each round times one punctuation's store work — the scan for what is due and moving each fired
 * timer to its lead's next step. Run (results in docs/BENCHMARKS.md):
 * <pre>
 * ./mvnw -B -pl engine test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.leadflow.bench.SlaTimersBenchmark -Dexec.args="1000 1000000"
 * </pre>
 */
public final class SlaTimersBenchmark {
    private static final int DUE_PER_PUNCTUATION = 100;
    private static final int ROUNDS = 500;
    /** Rounds not counted: the JIT compiles the scan first. */
    private static final int WARMUP = 200;
    private static final long HOUR = 3_600_000L;

    private SlaTimersBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int[] sizes = args.length == 0 ? new int[]{1_000, 1_000_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf("%-12s %-10s %-14s %-14s %-14s%n", "open timers", "fired", "median µs", "p99 µs", "per timer µs");
        for (int open : sizes) {
            long[] micros = run(open);
            Arrays.sort(micros);
            long median = micros[micros.length / 2];
            long p99 = micros[(int) Math.ceil(micros.length * 0.99) - 1];
            System.out.printf("%-12d %-10d %-14d %-14d %-14.1f%n", open, DUE_PER_PUNCTUATION, median, p99,
                    (double) median / DUE_PER_PUNCTUATION);
        }
    }

    /** One store with {@code open} timers; the store-side cost of each of {@link #ROUNDS} punctuations, in µs. */
    private static long[] run(int open) throws IOException {
        Path dir = Files.createTempDirectory("sla-timers-bench");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sla-timers-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("timers"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        try {
            TimerIndex timers = new TimerIndex(store);
            Random random = new Random(42);
            long now = 1_800_000_000_000L;
            // the open timers: leads whose next step is between an hour and a month away
            for (int i = 0; i < open; i++) {
                timers.schedule("acme\0+7916" + i, Optional.of(now + HOUR + (long) (random.nextDouble() * 30 * 24 * HOUR)));
            }
            store.flush();
            timers.due(now - 1, 1); // the first scan after a start reads from the beginning; a running engine has done it
            long[] micros = new long[ROUNDS];
            for (int round = -WARMUP; round < ROUNDS; round++) {
                long tick = now + (round + WARMUP) * 200L;
                // DUE_PER_PUNCTUATION of the open leads fall due in this tick (their steps were rescheduled to it)
                List<String> falling = new ArrayList<>();
                for (int i = 0; i < DUE_PER_PUNCTUATION; i++) {
                    String id = "acme\0+7916" + random.nextInt(open);
                    timers.schedule(id, Optional.of(tick - random.nextInt(200)));
                    falling.add(id);
                }
                long start = System.nanoTime();
                List<String> due = timers.due(tick, 1_000);
                for (String id : due) {
                    // fired: on to the lead's next step, somewhere in the coming month like the others
                    timers.schedule(id, Optional.of(tick + HOUR + (long) (random.nextDouble() * 30 * 24 * HOUR)));
                }
                if (round >= 0) {
                    micros[round] = (System.nanoTime() - start) / 1_000;
                }
                if (due.size() != falling.stream().distinct().count()) {
                    throw new IllegalStateException("expected " + falling.size() + " due timers, found " + due.size());
                }
            }
            return micros;
        } finally {
            store.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
