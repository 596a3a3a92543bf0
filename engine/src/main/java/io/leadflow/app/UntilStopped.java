package io.leadflow.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/** Keeps a command running until Ctrl-C / SIGTERM, then closes its parts in order. */
final class UntilStopped {
    private static final Logger log = LoggerFactory.getLogger(UntilStopped.class);

    private UntilStopped() {
    }

    /** @param parts closed first to last */
    static void await(AutoCloseable... parts) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long t0 = System.nanoTime();
            for (AutoCloseable part : parts) {
                if (part == null) {
                    continue;
                }
                try {
                    part.close();
                } catch (Exception e) {
                    log.warn("Error while stopping {}", part, e);
                }
            }
            System.out.printf("leadflow stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            stopped.countDown();
        }, "leadflow-shutdown"));
        stopped.await();
    }
}
