package io.leadflow.sla;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TimerIndexTest {
    private KeyValueStore<Bytes, byte[]> store;
    private TimerIndex timers;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("timers"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        timers = new TimerIndex(store);
    }

    @Test
    void dueTimersComeOutOldestFirstAndOnlyUpToTheGivenTime() {
        timers.schedule("c", Optional.of(300L));
        timers.schedule("a", Optional.of(100L));
        timers.schedule("b", Optional.of(200L));
        timers.schedule("d", Optional.of(301L));

        assertThat(timers.due(300, 10)).containsExactly("a", "b", "c");
    }

    @Test
    void movingOrCancellingATimerGoesThroughTheReverseIndex() {
        timers.schedule("a", Optional.of(100L));
        timers.schedule("b", Optional.of(200L));
        timers.schedule("a", Optional.of(500L)); // moved
        timers.schedule("b", Optional.empty());  // cancelled

        assertThat(timers.due(400, 10)).isEmpty();
        assertThat(timers.due(500, 10)).containsExactly("a");
        assertThat(store.approximateNumEntries()).as("one time entry and one index entry").isEqualTo(2);
    }

    @Test
    void aBoundedScanLeavesTheRestForTheNextAndATimerSetBelowTheScanPointIsStillFound() {
        for (int i = 0; i < 5; i++) {
            timers.schedule("t" + i, Optional.of(100L + i));
        }
        assertThat(timers.due(1_000, 2)).containsExactly("t0", "t1");
        timers.schedule("t0", Optional.empty());
        timers.schedule("t1", Optional.empty());
        assertThat(timers.due(1_000, 10)).containsExactly("t2", "t3", "t4");
        for (int i = 2; i < 5; i++) {
            timers.schedule("t" + i, Optional.empty());
        }
        assertThat(timers.mayHaveDue(1_000)).as("scanned up to 1000 already").isFalse();
        assertThat(timers.due(5_000, 10)).isEmpty();

        // a late event schedules a step already past: the next scan starts there again
        timers.schedule("late", Optional.of(50L));
        assertThat(timers.mayHaveDue(60)).isTrue();
        assertThat(timers.due(60, 10)).containsExactly("late");
    }
}
