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
    void anUnknownOptionOfTheDefaultCommandIsAUsageError() {
        assertThat(LeadflowCli.run("--no-such-option")).isEqualTo(2);
    }
}
