package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of streams, 50 at a time on virtual threads, against one scripted loopback server, mixing the ways a
 * stream ends: read to completion, closed early by the reader, closed from another thread, a server reset, a
 * server error before the headers, and the client's idle timeout. Afterwards every stream's outcome is accounted
 * for (its text is exactly what the server sent, or a prefix of it carried by the right error), and platform
 * threads, the server's open connections and the heap are back to their baseline.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SoakTest {

    private static final int STREAMS = 2_400;
    private static final int CONCURRENCY = 50;
    private static final Pattern ORDER = Pattern.compile("soak (\\w+) (\\d+)");

    enum Mode { COMPLETE, EARLY_CLOSE, CLOSE_FROM_OTHER_THREAD, SERVER_RESET, SERVER_ERROR, IDLE_TIMEOUT }

    /** The tokens the server sends for a stream of {@code n}: deterministic, so the client knows them. */
    static String token(int i) {
        return "t" + i + (i % 7 == 3 ? "\n" : " ");
    }

    static String text(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(token(i));
        }
        return s.toString();
    }

    /** The server: reads the mode and token count from the prompt and plays that ending. */
    static void serve(FaultServer.Exchange x) throws java.io.IOException {
        Matcher m = ORDER.matcher(x.head);
        if (!m.find()) {
            throw new IllegalStateException("no order in " + x.head);
        }
        Mode mode = Mode.valueOf(m.group(1));
        int n = Integer.parseInt(m.group(2));
        if (mode == Mode.SERVER_ERROR) {
            x.headers(503, "application/json").write("{\"error\":{\"message\":\"overloaded\"}}");
            return;
        }
        x.headers(200, "text/event-stream").write(OpenAIWire.role());
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < n; i++) {
            burst.append(OpenAIWire.token(token(i)));
            if (i % 5 == 4) {
                x.write(burst.toString()); // several TCP writes per answer, so reads see chunk boundaries
                burst.setLength(0);
            }
        }
        x.write(burst.toString());
        switch (mode) {
            case COMPLETE -> x.write(OpenAIWire.finish() + "data: [DONE]\n\n");
            case SERVER_RESET -> x.reset();
            case EARLY_CLOSE, CLOSE_FROM_OTHER_THREAD, IDLE_TIMEOUT -> {
                // hold the connection until the client releases it; a leak would keep it open past the test
                x.awaitClientGone(Duration.ofSeconds(60));
            }
            default -> throw new IllegalStateException(mode.toString());
        }
    }

    record Outcome(Mode mode, int n, String text, LLMException error) {
    }

    @Test
    void thousandsOfMixedStreamsAreAllAccountedForAndLeaveNothingBehind() throws Exception {
        try (FaultServer server = new FaultServer(SoakTest::serve)) {
            LLM llm = OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(FaultsTest.KEY).model("m")
                    .idleTimeout(Duration.ofMillis(250)).maxRetries(0).build();
            run(llm, 60, new Random(1)); // warm-up: class loading, the shared client and its selector thread
            Baseline before = Baseline.measure();

            long start = System.nanoTime();
            List<Outcome> outcomes = run(llm, STREAMS, new Random(42));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            Map<String, Integer> tally = account(outcomes);
            assertThat(server.awaitNoOpenConnections(Duration.ofSeconds(10)))
                    .as("every connection released; still open: %d", server.openConnections()).isTrue();
            assertThat(server.scriptFailures()).isZero();
            Baseline after = Baseline.settle(before);
            System.out.printf("soak: %d streams in %d ms, %d at a time; outcomes %s; platform threads %d -> %d;"
                            + " heap after GC %d MiB -> %d MiB; server requests %d%n", STREAMS, took.toMillis(),
                    CONCURRENCY, tally, before.threads, after.threads, before.heap >> 20, after.heap >> 20,
                    server.requests());
            assertThat(after.threads).as("platform threads back to baseline").isLessThanOrEqualTo(before.threads + 2);
            assertThat(after.heap).as("heap back to baseline (32 MiB tolerance)")
                    .isLessThanOrEqualTo(before.heap + (32L << 20));
            assertThat(took).as("bounded well under a minute").isLessThan(Duration.ofSeconds(45));
        }
    }

    /** Runs {@code count} streams, {@link #CONCURRENCY} at a time, each on its own virtual thread. */
    private static List<Outcome> run(LLM llm, int count, Random random) throws InterruptedException {
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(CONCURRENCY);
        CountDownLatch done = new CountDownLatch(count);
        Mode[] modes = Mode.values();
        for (int i = 0; i < count; i++) {
            Mode mode = modes[random.nextInt(modes.length)];
            int n = 1 + random.nextInt(40);
            int k = random.nextInt(n + 1); // how many tokens the reader takes before an early close
            slots.acquire();
            Thread.ofVirtual().name("soak-" + i).start(() -> {
                try {
                    outcomes.add(one(llm, mode, n, k));
                } catch (Throwable t) {
                    outcomes.add(new Outcome(mode, n, "unexpected " + t, null));
                } finally {
                    slots.release();
                    done.countDown();
                }
            });
        }
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every stream ended").isTrue();
        return new ArrayList<>(outcomes);
    }

    private static Outcome one(LLM llm, Mode mode, int n, int k) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        try (LLMStream stream = llm.open("soak " + mode + " " + n)) {
            if (mode == Mode.CLOSE_FROM_OTHER_THREAD) {
                CountDownLatch readK = new CountDownLatch(1);
                Thread closer = Thread.ofVirtual().start(() -> {
                    try {
                        readK.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    stream.close();
                });
                int read = 0;
                if (k == 0) {
                    readK.countDown();
                }
                while (stream.hasNext()) {
                    seen.append(stream.next());
                    if (++read == k) {
                        readK.countDown(); // the reader goes on and blocks; the close must wake it
                    }
                }
                readK.countDown();
                closer.join();
            } else {
                int read = 0;
                while ((mode != Mode.EARLY_CLOSE || read < k) && stream.hasNext()) {
                    seen.append(stream.next());
                    read++;
                }
            }
            return new Outcome(mode, n, seen.toString(), null);
        } catch (LLMException e) {
            assertThat(e.partialText()).as("partial text is what the reader saw").isEqualTo(seen.toString());
            return new Outcome(mode, n, seen.toString(), e);
        }
    }

    /** Checks every outcome against its mode; returns how many ended each way. */
    private static Map<String, Integer> account(List<Outcome> outcomes) {
        assertThat(outcomes).hasSize(STREAMS);
        Map<String, Integer> tally = new TreeMap<>();
        for (Outcome o : outcomes) {
            String all = text(o.n);
            String why = o.mode + " n=" + o.n + " text=" + o.text + " error=" + o.error;
            assertThat(all).as(why).startsWith(o.text);
            switch (o.mode) {
                case COMPLETE -> assertThat(o.error == null && o.text.equals(all)).as(why).isTrue();
                case EARLY_CLOSE, CLOSE_FROM_OTHER_THREAD -> assertThat(o.error).as(why).isNull();
                case SERVER_RESET -> assertThat(o.error).as(why).isInstanceOf(TruncatedStreamException.class);
                case SERVER_ERROR -> assertThat(o.error).as(why).isInstanceOf(ServerException.class);
                case IDLE_TIMEOUT -> assertThat(o.error).as(why).isInstanceOfSatisfying(LLMTimeoutException.class,
                        t -> assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.IDLE));
                default -> throw new AssertionError(why);
            }
            assertThat(o.error instanceof CancelledException).as("nobody interrupted: " + why).isFalse();
            tally.merge(o.mode + (o.error == null ? "" : "->" + o.error.getClass().getSimpleName()), 1, Integer::sum);
        }
        return tally;
    }

    /** Live platform threads and used heap after a full GC. */
    record Baseline(int threads, long heap) {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

        static Baseline measure() {
            System.gc();
            return new Baseline(THREADS.getThreadCount(), MEMORY.getHeapMemoryUsage().getUsed());
        }

        /** Measures again until back within tolerance of {@code before}, or 10 s pass: finished work winds down. */
        static Baseline settle(Baseline before) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Baseline now = measure();
            while ((now.threads > before.threads + 2 || now.heap > before.heap + (32L << 20))
                    && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100); // the interval of a deadline poll
                now = measure();
            }
            return now;
        }
    }
}
