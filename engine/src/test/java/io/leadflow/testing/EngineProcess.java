package io.leadflow.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An {@code engine} command of the built jar as an OS process of its own, for the harnesses that kill it as a crash
 * does (SIGKILL: no shutdown hook, no commit, no flush), time its restarts or read its RSS. Its output is appended to
 * one log across restarts.
 */
public final class EngineProcess {
    private final List<String> command;
    private final Path stateDir;
    private final Path log;
    private final int httpPort;
    private Process process;

    /**
     * @param config  the configuration file, or null for the bundled demo configuration
     * @param options the engine's own options besides cluster, registry, config, state dir and HTTP port
     *                (e.g. {@code --application-id=...}, {@code --stream-threads=2})
     */
    public EngineProcess(String maxHeap, String bootstrapServers, String registryUrl, Path config, Path stateDir, int httpPort, Path log,
                         List<String> options) {
        this.stateDir = stateDir;
        this.log = log;
        this.httpPort = httpPort;
        this.command = Stream.of(Stream.of("java", "-Xmx" + maxHeap, "-jar", builtJar().toAbsolutePath().toString(), "engine",
                                "--bootstrap-servers=" + bootstrapServers, "--schema-registry-url=" + registryUrl, "--state-dir=" + stateDir,
                                "--replication-factor=1", "--http-port=" + httpPort),
                        config == null ? Stream.<String>empty() : Stream.of("--config=" + config), options.stream())
                .flatMap(s -> s).toList();
    }

    /**
     * The jar {@code ./mvnw package} built, from the project root or from {@code engine/} (where the tests run); the
     * system property {@code leadflow.jar} names another (a harness measuring an earlier build).
     */
    public static Path builtJar() {
        if (System.getProperty("leadflow.jar") != null) {
            return Path.of(System.getProperty("leadflow.jar"));
        }
        Path here = Path.of("target", "leadflow.jar");
        return Files.exists(here) ? here : Path.of("engine", "target", "leadflow.jar");
    }

    public void start() throws IOException {
        Files.writeString(log, "---- start " + java.time.Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Until {@code GET /health} answers 200; fails at once if the process exits. */
    public void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health")).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the engine process exited; see " + log);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the engine process was not ready within " + timeout + "; see " + log);
    }

    /**
     * How many times its stream threads committed (each commit one exactly-once transaction), from its Prometheus
     * metrics; -1 when they do not say.
     */
    public long commits() {
        try {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(l -> l.startsWith("kafka_stream_thread_commit_total"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).reduce(Long::sum).orElse(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as an orchestrator stops it: commit, leave the group, close the stores. */
    public void stop() throws InterruptedException {
        if (alive()) {
            process.destroy();
            process.waitFor();
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Its state directory deleted, as when a volume is lost (stop it first). */
    public void wipeState() throws IOException {
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Resident memory now, from /proc; -1 where there is none. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux, or gone
        }
        return -1;
    }

    /** Bytes of the files in its state directory (RocksDB, checkpoints); -1 if unreadable. */
    public long stateBytes() {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }
}
