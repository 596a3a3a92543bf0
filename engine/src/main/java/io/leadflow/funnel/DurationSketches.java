package io.leadflow.funnel;

import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import io.leadflow.avro.DurationSketch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Durations as a DDSketch's bins: DataDog's logarithmic index mapping (1 % relative accuracy) from sketches-java puts
 * each duration in a bin, and a sketch is its bins' counts. Adding counts merges sketches (across days, slices and
 * instances); subtracting them removes a lead's durations exactly when a correction moves it to another slice, which
 * DDSketch itself does not offer.
 */
public final class DurationSketches {
    private static final IndexMapping MAPPING = new LogarithmicMapping(0.01);

    private DurationSketches() {
    }

    public static DurationSketch empty() {
        return new DurationSketch(List.of(), List.of());
    }

    /** One duration, in seconds (at least 1: a stage passed within a second still took time). */
    public static DurationSketch of(long seconds) {
        return new DurationSketch(List.of(MAPPING.index(Math.max(1, seconds))), List.of(1L));
    }

    /** {@code a + sign × b}; bins that come to zero are dropped. */
    public static DurationSketch plus(DurationSketch a, DurationSketch b, int sign) {
        if (b.getIndexes().isEmpty()) {
            return a;
        }
        Map<Integer, Long> bins = new TreeMap<>();
        for (int i = 0; i < a.getIndexes().size(); i++) {
            bins.merge(a.getIndexes().get(i), a.getCounts().get(i), Long::sum);
        }
        for (int i = 0; i < b.getIndexes().size(); i++) {
            bins.merge(b.getIndexes().get(i), sign * b.getCounts().get(i), Long::sum);
        }
        List<Integer> indexes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        bins.forEach((index, count) -> {
            if (count != 0) {
                indexes.add(index);
                counts.add(count);
            }
        });
        return new DurationSketch(indexes, counts);
    }

    public static long count(DurationSketch sketch) {
        return sketch.getCounts().stream().mapToLong(Long::longValue).sum();
    }

    /** The duration at quantile {@code q} (0..1) in seconds, within 1 %; null for an empty sketch. */
    public static Double quantile(DurationSketch sketch, double q) {
        long count = count(sketch);
        if (count <= 0) {
            return null;
        }
        double rank = q * (count - 1);
        long seen = 0;
        for (int i = 0; i < sketch.getIndexes().size(); i++) {
            seen += sketch.getCounts().get(i);
            if (seen > rank) {
                return MAPPING.value(sketch.getIndexes().get(i));
            }
        }
        return MAPPING.value(sketch.getIndexes().get(sketch.getIndexes().size() - 1));
    }
}
