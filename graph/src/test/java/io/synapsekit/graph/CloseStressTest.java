package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a graph stream while its {@link LlmNode} is anywhere in its request (not started, sending, waiting for
 * headers, reading, or stalled behind a reader that stopped reading) closes the HTTP connection within a second,
 * on a client whose connections are pooled.
 *
 * <p>Each round makes a few complete requests on the shared client, so that the streamed request reuses a pooled
 * connection; opens a graph stream whose node asks a loopback server for an endless answer; and closes it at a
 * random point: from the reading thread after reading a few items and a random pause of up to three milliseconds,
 * or from another thread while the reader is blocked. The server records when the client left each streamed
 * answer; every one must be left within a second of its stream's close. Each round waits for that before the next,
 * as an idle application would: a client that goes on making requests wakes the HTTP client's internals, which can
 * hide a connection left open. The close points come from a seeded generator ({@code -Dsynapsekit.stress.seed});
 * {@code -Dsynapsekit.stress.rounds} sets the number of rounds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CloseStressTest {

    private static final int ROUNDS = Integer.getInteger("synapsekit.stress.rounds", 300);
    private static final long SEED = Long.getLong("synapsekit.stress.seed", 22);
    private static final long WITHIN = TimeUnit.SECONDS.toNanos(1);
    /** How long a round waits for a request still in flight when its stream was closed before the server saw it. */
    private static final long GRACE = TimeUnit.MILLISECONDS.toNanos(10);
    private static final List<String> KINDS = List.of("streamTokens", "events", "stream");

    @Test
    void closingAtAnyPointClosesTheConnectionWithinASecond() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        long[] closedAt = new long[ROUNDS];
        String[] how = new String[ROUNDS];
        try (SlowOpenAIServer server = SlowOpenAIServer.start()) {
            LLM llm = OpenAILLM.builder().baseUrl(server.baseUrl()).apiKey("sk-test-stress").maxRetries(0).build();
            CompiledGraph graph = new StateGraph().addNode("answer", LlmNode.of(llm))
                    .setEntryPoint("answer").setFinishPoint("answer").compile();
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = random.nextInt(4); i > 0; i--) {
                    assertThat(llm.generate("round-" + round + "-short")).isEqualTo("ok " + round);
                }
                Map<String, Object> input = Map.of("input", "round-" + round + "-stream");
                int kind = random.nextInt(KINDS.size());
                // a NodeUpdate stream yields nothing before the node ends, so only token streams read first
                int items = kind == 2 || random.nextBoolean() ? 0 : random.nextInt(1, 4);
                boolean fromAnotherThread = random.nextInt(4) == 0;
                long pauseNanos = random.nextInt(5) == 0 ? 0 : random.nextLong(TimeUnit.MILLISECONDS.toNanos(3));
                how[round] = KINDS.get(kind) + ", " + items + " items read, closed after " + pauseNanos / 1_000 + " µs"
                        + (fromAnotherThread ? " by another thread while the reader waits" : "");
                Stream<?> stream = switch (kind) {
                    case 0 -> GraphStreams.streamTokens(graph, input);
                    case 1 -> graph.events(input);
                    default -> graph.stream(input);
                };
                Iterator<?> it = stream.iterator();
                for (int i = 0; i < items; i++) {
                    it.next();
                }
                Thread reader = fromAnotherThread ? Thread.ofVirtual().start(() -> drain(it)) : null;
                long until = System.nanoTime() + pauseNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait(); // the random close point, not synchronisation
                }
                stream.close();
                closedAt[round] = System.nanoTime();
                if (reader != null) {
                    assertThat(reader.join(java.time.Duration.ofSeconds(5))).as("the reader woke").isTrue();
                }
                awaitLeft(server, round, closedAt[round]);
            }
            Threads.awaitNoneOfOurs();
            List<String> late = new ArrayList<>();
            int closedMidAnswer = 0;
            for (SlowOpenAIServer.Streamed s : server.streamed()) {
                long close = closedAt[s.round];
                if (s.startedNanos < close) {
                    closedMidAnswer++;
                }
                long left = s.leftNanos;
                if (left == 0 || left - close > WITHIN) {
                    late.add(s + "; " + how[s.round] + "; "
                            + (left == 0 ? "not left" : "left " + (left - close) / 1_000_000 + " ms after the close"));
                }
            }
            assertThat(late).as("streamed answers whose connection outlived the close by more than a second, of %d"
                    + " rounds (seed %d)", ROUNDS, SEED).isEmpty();
            assertThat(closedMidAnswer).as("rounds closed while the answer streamed").isGreaterThan(ROUNDS / 4);
        }
    }

    private static void drain(Iterator<?> it) {
        try {
            while (it.hasNext()) {
                it.next();
            }
        } catch (RuntimeException e) {
            // a failure after the close is the stream's business; the test checks the connection
        }
    }

    /**
     * Waits until the client has left the round's streamed answer or a second has passed since the close; when the
     * server has not seen the round's request, waits {@link #GRACE} for one in flight (one arriving later is still
     * checked at the end).
     */
    private static void awaitLeft(SlowOpenAIServer server, int round, long closedAt) throws InterruptedException {
        Threads.eventually(() -> {
            long now = System.nanoTime();
            return server.streamed(round).map(s -> s.leftNanos != 0 || now - closedAt > WITHIN)
                    .orElse(now - closedAt > GRACE);
        }, () -> "unreachable: the condition turns true a second after the close");
    }
}
