package io.leadflow.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An {@code engine} command of the built jar as an OS process of its own, so that it can be killed as a crash kills it:
 * SIGKILL, no shutdown hook, no commit, no flush. Its output is appended to one log across restarts.
 */
final class EngineProcess {
    private final List<String> command;
    private final Path log;
    private Process process;

    EngineProcess(Path jar, String bootstrapServers, String registryUrl, Path config, Path stateDir, int partitions, Path log) {
        this.command = List.of("java", "-Xmx512m", "-jar", jar.toAbsolutePath().toString(), "engine",
                "--bootstrap-servers=" + bootstrapServers, "--schema-registry-url=" + registryUrl, "--config=" + config,
                "--application-id=" + ChaosRun.APPLICATION_ID, "--instance-id=chaos-engine-1", "--state-dir=" + stateDir,
                "--partitions=" + partitions, "--replication-factor=1", "--http-port=0");
        this.log = log;
    }

    void start() throws IOException {
        Files.writeString(log, "---- start " + java.time.Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as an orchestrator stops it: commit, leave the group, close the stores. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }
}
