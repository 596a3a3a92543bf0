package io.leadflow.engine.state;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiringKeysTest {
    private static final Duration RETENTION = Duration.ofMillis(1_000);
    private KeyValueStore<Bytes, byte[]> store;
    private ExpiringKeys keys;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("keys"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        keys = new ExpiringKeys(store, RETENTION);
    }

    @Test
    void keysAreForgottenOnceOlderThanTheRetentionOldestFirstAndAtMostTheLimitAtATime() {
        keys.add("a", 100);
        keys.add("b", 200);
        keys.add("c", 300);
        keys.add("a", 900); // seen again: keeps its first time

        assertThat(keys.expire(1_100, 10)).isZero(); // nothing older than 100
        assertThat(keys.expire(1_301, 2)).isEqualTo(2);
        assertThat(keys.contains("a")).isFalse();
        assertThat(keys.contains("b")).isFalse();
        assertThat(keys.contains("c")).isTrue();
        assertThat(keys.expire(1_301, 2)).isEqualTo(1);
        assertThat(keys.contains("c")).isFalse();
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void aKeyAddedWithATimeTheExpiryHasPassedAlreadyIsStillForgotten() {
        // Given expiry has scanned up to 5 000
        keys.add("a", 4_000);
        assertThat(keys.expire(6_000, 10)).isEqualTo(1);
        // When a late event's key comes with an older time
        keys.add("late", 2_000);
        // Then the next expiry goes back for it
        assertThat(keys.contains("late")).isTrue();
        assertThat(keys.expire(6_001, 10)).isEqualTo(1);
        assertThat(keys.contains("late")).isFalse();
    }
}
