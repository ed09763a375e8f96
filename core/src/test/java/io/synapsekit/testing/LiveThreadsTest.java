package io.synapsekit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LiveThreads} sees virtual threads, started directly or by an executor, and platform threads, until they end. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LiveThreadsTest {

    @Test
    void findsVirtualAndPlatformThreadsByPrefixUntilTheyEnd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Runnable waits = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread unstarted = Thread.ofVirtual().name("live-threads-test-unstarted").unstarted(waits);
        Thread virtual = Thread.ofVirtual().name("live-threads-test-virtual").start(waits);
        Thread platform = Thread.ofPlatform().name("live-threads-test-platform").start(waits);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("live-threads-test-pooled-", 0).factory());
        executor.execute(waits);
        try {
            assertThat(LiveThreads.named("live-threads-test-")).as("started threads only").containsExactly(
                    "live-threads-test-platform", "live-threads-test-pooled-0", "live-threads-test-virtual");
            assertThat(LiveThreads.named("live-threads-test-v", "live-threads-test-p"))
                    .containsExactly("live-threads-test-platform", "live-threads-test-pooled-0",
                            "live-threads-test-virtual");
            assertThatThrownBy(() -> LiveThreads.awaitNone(Duration.ofMillis(50), "live-threads-test-virtual"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("[live-threads-test-virtual]");
        } finally {
            release.countDown();
            executor.close();
        }
        virtual.join();
        platform.join();
        LiveThreads.awaitNone("live-threads-test-");
        assertThat(unstarted.getState()).isEqualTo(Thread.State.NEW);
    }
}
