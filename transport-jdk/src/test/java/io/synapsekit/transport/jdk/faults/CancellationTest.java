package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancelling from another thread while the consumer is blocked in {@code hasNext()} on a server that has gone
 * silent: {@code close()} wakes it with a quiet end ({@code false}), an interrupt wakes it with a
 * {@link CancelledException} carrying the partial text; both promptly, both releasing the connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CancellationTest {

    private final CountDownLatch clientGone = new CountDownLatch(1);
    private FaultServer server;

    @AfterEach
    void stop() throws Exception {
        assertThat(server.awaitNoOpenConnections(Duration.ofSeconds(5))).isTrue();
        server.close();
    }

    private LLMStream stalledAfterTwoTokens() throws Exception {
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role() + OpenAIWire.token("Hel") + OpenAIWire.token("lo"));
            if (x.awaitClientGone(Duration.ofSeconds(20))) {
                clientGone.countDown();
            }
        });
        // long limits: only the cancellation can end this stream
        LLMStream stream = OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(FaultsTest.KEY).model("m")
                .idleTimeout(Duration.ofMinutes(1)).firstTokenTimeout(Duration.ofMinutes(1)).build().open("hi");
        assertThat(stream.next()).isEqualTo("Hel");
        assertThat(stream.next()).isEqualTo("lo");
        return stream;
    }

    /** Starts a reader blocked in hasNext(); returns the queue its outcome lands in. */
    private static BlockingQueue<Object> readInBackground(LLMStream stream, Thread[] reader) {
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
        reader[0] = Thread.ofVirtual().name("blocked-reader").start(() -> {
            try {
                outcome.add(stream.hasNext());
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        });
        return outcome;
    }

    private static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("reader blocks").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void closeFromAnotherThreadWakesTheBlockedReaderWithAQuietEnd() throws Exception {
        LLMStream stream = stalledAfterTwoTokens();
        Thread[] reader = new Thread[1];
        BlockingQueue<Object> outcome = readInBackground(stream, reader);
        awaitBlocked(reader[0]);

        long start = System.nanoTime();
        stream.close();

        assertThat(outcome.poll(2, TimeUnit.SECONDS)).as("hasNext() returned promptly").isEqualTo(false);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(stream.text()).isEqualTo("Hello");
        assertThat(stream.hasNext()).as("stays ended").isFalse();
        assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the disconnect").isTrue();
    }

    @Test
    void interruptingTheBlockedReaderCancelsWithThePartialText() throws Exception {
        LLMStream stream = stalledAfterTwoTokens();
        Thread[] reader = new Thread[1];
        BlockingQueue<Object> outcome = readInBackground(stream, reader);
        awaitBlocked(reader[0]);

        reader[0].interrupt();

        Object result = outcome.poll(2, TimeUnit.SECONDS);
        assertThat(result).isInstanceOfSatisfying(CancelledException.class, e -> {
            assertThat(e.partialText()).isEqualTo("Hello");
            assertThat(e.isRetryable()).isFalse();
        });
        assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the disconnect").isTrue();
        stream.close();
    }

    @Test
    void interruptingACallerWaitingForTheHeadersCancelsAndClosesTheConnection() throws Exception {
        server = new FaultServer(x -> {
            if (x.awaitClientGone(Duration.ofSeconds(20))) { // never answers: the caller waits for headers
                clientGone.countDown();
            }
        });
        OpenAILLM llm = OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(FaultsTest.KEY).model("m")
                .firstTokenTimeout(Duration.ofMinutes(1)).build();
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
        Thread caller = Thread.ofVirtual().name("waiting-for-headers").start(() -> {
            try {
                outcome.add(llm.open("hi"));
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.requests() == 0) {
            assertThat(System.nanoTime()).as("the request reaches the server").isLessThan(deadline);
            Thread.onSpinWait();
        }
        awaitBlocked(caller);

        caller.interrupt();

        assertThat(outcome.poll(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(CancelledException.class, e -> {
            assertThat(e.partialText()).isEmpty();
            assertThat(e.getMessage()).doesNotContain(FaultsTest.KEY);
        });
        assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the disconnect").isTrue();
        assertThat(server.requests()).as("a cancellation is not retried").isEqualTo(1);
    }
}
