package io.synapsekit.stream;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link QueueTokenBridgeLeakWarningTest} in a JVM of its own without an SLF4J provider: starts a bridge
 * whose producer waits, drops it unclosed, and collects garbage until the cleaner has stopped the producer (the
 * warning comes before that). Exits 1 when that does not happen within 30 seconds.
 */
final class AbandonedBridgeMain {

    private AbandonedBridgeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        abandon(stopped);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!stopped.await(50, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() > deadline) {
                System.exit(1);
            }
            System.gc();
        }
    }

    private static void abandon(CountDownLatch stopped) {
        QueueTokenBridge.<String>start("abandoned-producer", 1, sink -> {
            try {
                new CountDownLatch(1).await(); // until interrupted
            } finally {
                stopped.countDown();
            }
        });
    }
}
