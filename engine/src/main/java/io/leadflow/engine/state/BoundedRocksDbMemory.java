package io.leadflow.engine.state;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Caps what RocksDB holds off the Java heap, for every store of the process together: one LRU block cache shared by
 * all stores, with the memtables charged against it (a write buffer manager) and index and filter blocks cached in it
 * rather than pinned per file. Without this each store — one per store and partition, dozens in an engine — keeps its
 * own 50 MB block cache and 3 × 16 MB memtables, and resident memory grows with the partitions and the data: the
 * pattern of the Kafka Streams memory-management guide.
 * <p>
 * The budget is {@value #MEMORY_CONFIG} in the Streams configuration (default 256 MiB), half of it at most for
 * memtables; fixed for the life of the process, since the cache is shared.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    public static final String MEMORY_CONFIG = "leadflow.rocksdb.memory.bytes";
    public static final long DEFAULT_MEMORY_BYTES = 256L * 1024 * 1024;
    private static final double INDEX_FILTER_SHARE = 0.1; // high-priority pool: index and filter blocks stay cached
    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    private static synchronized void init(Map<String, Object> configs) {
        if (cache == null) {
            Object configured = configs.get(MEMORY_CONFIG);
            long bytes = configured == null ? DEFAULT_MEMORY_BYTES : Long.parseLong(configured.toString());
            cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
            writeBuffers = new WriteBufferManager(bytes / 2, cache);
        }
    }

    /** Bytes the shared cache holds now (memtables included); 0 before the first store opened. */
    public static synchronized long usageBytes() {
        return cache == null ? 0 : cache.getUsage();
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        init(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBuffers);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store of the process: never closed per store
    }
}
