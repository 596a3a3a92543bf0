package io.leadflow.engine.state;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The key layout of a store that holds ids in time order beside an entry per id: {@code 't' ++ 8-byte big-endian
 * time ++ id} sorts by time in RocksDB's byte order (for times from 1970 on), and {@code 'k' ++ id} finds one id.
 * Shared by the dedupe keys' expiry ({@link ExpiringKeys}) and the SLA timers ({@code TimerIndex}).
 */
public final class TimeIndexKeys {
    private static final byte TIME = 't';
    private static final byte ID = 'k';

    private TimeIndexKeys() {
    }

    /** A persistent store of such keys. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    /** {@code 'k' ++ id}. */
    public static Bytes idEntry(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + bytes.length).put(ID).put(bytes).array());
    }

    /** {@code 't' ++ time ++ id}. */
    public static Bytes timeEntry(long time, String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES + bytes.length).put(TIME).putLong(time).put(bytes).array());
    }

    /** {@code 't' ++ time}: sorts before every time entry at {@code time} and after all earlier ones. */
    public static Bytes timePrefix(long time) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put(TIME).putLong(time).array());
    }

    /** Whether a key from a range of time prefixes is a time entry (not a bare prefix). */
    public static boolean isTimeEntry(Bytes key) {
        return key.get().length > 1 + Long.BYTES && key.get()[0] == TIME;
    }

    public static long timeOf(Bytes timeEntry) {
        return ByteBuffer.wrap(timeEntry.get(), 1, Long.BYTES).getLong();
    }

    public static String idOf(Bytes timeEntry) {
        byte[] key = timeEntry.get();
        return new String(key, 1 + Long.BYTES, key.length - 1 - Long.BYTES, StandardCharsets.UTF_8);
    }

    public static byte[] time(long time) {
        return ByteBuffer.allocate(Long.BYTES).putLong(time).array();
    }

    public static long time(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
