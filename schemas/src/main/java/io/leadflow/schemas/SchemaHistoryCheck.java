package io.leadflow.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Build-time contract check. Every schema in {@code src/main/avro} must stay compatible with each version
 * recorded under {@code src/main/avro-history/<full name>/v<N>.avsc}:
 * <ul>
 *   <li>BACKWARD: the current schema can read data written with every recorded version (Avro resolution);</li>
 *   <li>and a field may only be removed if it had a default, so consumers still on an older schema keep
 *       decoding new data (Avro alone would allow dropping any field under BACKWARD).</li>
 * </ul>
 * A changed schema that passes is recorded as the next version, to be committed with the change; on CI
 * ({@code CI=true}) an unrecorded change fails instead, because a version that is never committed is lost.
 */
public final class SchemaHistoryCheck {

    /** What the check found for one schema. */
    public record Result(String schema, List<String> problems, Path recorded) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Path historyRoot;
    private final boolean recordNewVersions;

    public SchemaHistoryCheck(Path historyRoot, boolean recordNewVersions) {
        this.historyRoot = historyRoot;
        this.recordNewVersions = recordNewVersions;
    }

    /** Arguments: history folder, then the schema source folders. */
    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: SchemaHistoryCheck <history dir> <avsc dir>...");
        }
        List<Path> sources = Stream.of(args).skip(1).map(Path::of).toList();
        boolean onCi = "true".equalsIgnoreCase(System.getenv("CI"));
        List<Result> results = new SchemaHistoryCheck(Path.of(args[0]), !onCi).check(SchemaFiles.parseAll(sources).values());
        List<String> failures = new ArrayList<>();
        for (Result r : results) {
            if (r.recorded() != null) {
                System.out.println("[schema-history] recorded " + r.schema() + " as " + r.recorded() + " (commit it)");
            }
            r.problems().forEach(p -> failures.add(r.schema() + ": " + p));
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.err.println("[schema-history] " + f));
            throw new IllegalStateException("Schema history check failed: " + failures.size() + " problem(s)");
        }
        System.out.println("[schema-history] " + results.size() + " schemas compatible with their recorded history");
    }

    public List<Result> check(Iterable<Schema> current) {
        List<Result> results = new ArrayList<>();
        for (Schema schema : current) {
            results.add(check(schema));
        }
        return results;
    }

    Result check(Schema current) {
        Path dir = historyRoot.resolve(current.getFullName());
        List<Path> versions = versionFiles(dir);
        List<String> problems = new ArrayList<>();
        Schema latest = null;
        for (Path file : versions) {
            Schema old = parse(file);
            String label = dir.getFileName() + "/" + file.getFileName();
            var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
                compatibility.getResult().getIncompatibilities().forEach(i -> problems.add(
                        "cannot read data written with " + label + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")"));
            }
            removedFieldsWithoutDefault(old, current).forEach(f -> problems.add(
                    "field " + f + " of " + label + " was removed but had no default"));
            latest = old;
        }
        Path recorded = null;
        if (problems.isEmpty() && (latest == null || !latest.equals(current))) {
            if (!recordNewVersions) {
                problems.add("changed since its last recorded version but the new version is not in " + dir
                        + "; build locally and commit the recorded file");
            } else {
                recorded = record(dir, versions.size() + 1, current);
            }
        }
        return new Result(current.getFullName(), problems, recorded);
    }

    /** Fields without a default that exist in a record of {@code old} but not in the same-named record of {@code current}. */
    static List<String> removedFieldsWithoutDefault(Schema old, Schema current) {
        Map<String, Schema> currentRecords = new HashMap<>();
        collectRecords(current, currentRecords, new HashSet<>());
        Map<String, Schema> oldRecords = new HashMap<>();
        collectRecords(old, oldRecords, new HashSet<>());
        List<String> removed = new ArrayList<>();
        oldRecords.forEach((name, oldRecord) -> {
            Schema now = currentRecords.get(name);
            if (now == null) {
                return;
            }
            for (Schema.Field field : oldRecord.getFields()) {
                boolean kept = now.getField(field.name()) != null
                        || now.getFields().stream().anyMatch(f -> f.aliases().contains(field.name()));
                if (!kept && !field.hasDefaultValue()) {
                    removed.add(name + "." + field.name());
                }
            }
        });
        return removed;
    }

    private static void collectRecords(Schema schema, Map<String, Schema> out, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                out.put(schema.getFullName(), schema);
                schema.getFields().forEach(f -> collectRecords(f.schema(), out, seen));
            }
            case UNION -> schema.getTypes().forEach(t -> collectRecords(t, out, seen));
            case ARRAY -> collectRecords(schema.getElementType(), out, seen);
            case MAP -> collectRecords(schema.getValueType(), out, seen);
            default -> {
            }
        }
    }

    private static List<Path> versionFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("v\\d+\\.avsc"))
                    .sorted(Comparator.comparingInt(SchemaHistoryCheck::versionNumber))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int versionNumber(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.length() - ".avsc".length()));
    }

    private static Schema parse(Path file) {
        try {
            return new Schema.Parser().parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path record(Path dir, int version, Schema schema) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("v" + version + ".avsc");
            Files.writeString(file, schema.toString(true) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
