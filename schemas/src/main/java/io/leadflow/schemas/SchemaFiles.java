package io.leadflow.schemas;

import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Parses a folder of .avsc files whose schemas refer to each other by name, in any file order. */
public final class SchemaFiles {
    private SchemaFiles() {
    }

    /**
     * Returns each file's top-level schema by its full name. Files that name a type defined in a
     * file not yet parsed are retried after the others, so no import order has to be maintained.
     */
    public static Map<String, Schema> parseAll(List<Path> folders) {
        List<Path> pending = new ArrayList<>();
        for (Path folder : folders) {
            pending.addAll(avscFiles(folder));
        }
        Map<String, Schema> known = new LinkedHashMap<>();
        Map<String, Schema> topLevel = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            List<Path> stillPending = new ArrayList<>();
            AvroRuntimeException lastError = null;
            for (Path file : pending) {
                Schema.Parser parser = new Schema.Parser();
                parser.addTypes(known.values());
                try {
                    Schema schema = parser.parse(Files.readString(file));
                    known.putAll(parser.getTypes());
                    topLevel.put(schema.getFullName(), schema);
                } catch (AvroRuntimeException e) { // an undefined name: a type from a file not parsed yet
                    stillPending.add(file);
                    lastError = e;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (stillPending.size() == pending.size()) {
                throw new IllegalStateException("Cannot parse " + stillPending + ": " + lastError.getMessage(), lastError);
            }
            pending = stillPending;
        }
        return topLevel;
    }

    static List<Path> avscFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
