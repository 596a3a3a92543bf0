package io.leadflow.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short chaos run on every build ({@link ChaosRun} runs longer ones): under simulated Mango traffic the engine process
 * is killed with SIGKILL every ~10 s and restarted, the broker is stopped for 5 s once; the independent checker then
 * finds every acknowledged call in the lead log once, every lead with an owner, every due breach alerted once.
 */
class ChaosIT {
    @TempDir
    Path dir;

    @Test
    void killsAndABrokerRestartUnderLoadLoseAndDoubleNothing() throws Exception {
        ChaosRun.Outcome outcome = ChaosRun.run(new ChaosRun.Options(Duration.ofSeconds(50), 5, Duration.ofSeconds(10), true,
                Duration.ofSeconds(5), 4, 7, Duration.ofSeconds(20)), dir);

        System.out.println("ChaosIT: " + outcome.kills() + " kills, " + outcome.brokerRestarts() + " broker restart(s)\n"
                + outcome.report().summary());
        assertThat(outcome.kills()).isGreaterThanOrEqualTo(2);
        assertThat(outcome.brokerRestarts()).isEqualTo(1);
        assertThat(outcome.report().acknowledgedCalls()).isGreaterThan(30);
        assertThat(outcome.report().expectedBreaches()).as("breaches were due: the alert check checked something").isPositive();
        assertThat(outcome.report().clean()).as(outcome.report().summary()).isTrue();
    }
}
