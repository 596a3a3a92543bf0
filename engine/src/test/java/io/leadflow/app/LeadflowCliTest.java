package io.leadflow.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeadflowCliTest {
    @Test
    void helpListsTheCommands() {
        var out = new java.io.ByteArrayOutputStream();
        var previous = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(LeadflowCli.run("--help")).isZero();
        } finally {
            System.setOut(previous);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("local", "engine", "gateway");
    }

    @Test
    void aConfigurationTheEngineCannotStartWithIsSaidInALineWithoutAStackTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        var err = new java.io.ByteArrayOutputStream();
        var previous = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            exit = LeadflowCli.run("engine", "--kafka-property", "isolation.level=read_uncommitted", "--bootstrap-servers", "127.0.0.1:1");
        } finally {
            System.setErr(previous);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("leadflow engine: 'isolation.level' cannot be set in the Kafka client configuration")
                .doesNotContain("\tat ");
    }

    @Test
    void anUnknownOptionOfTheDefaultCommandIsAUsageError() {
        assertThat(LeadflowCli.run("--no-such-option")).isEqualTo(2);
    }
}
