package io.synapsekit.internal;

import static io.synapsekit.internal.ScriptedTransport.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.http.spi.TransportTimeoutException;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared client's stream lifecycle, in core over a scripted in-memory transport: the four time limits, the
 * retry policy, and the release of the body on every exit (end, early close, close from another thread,
 * interrupt, timeout, read failure, oversized event). The loopback versions of these live in transport-jdk; these
 * run where mutation testing of core can see them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamLifecycleTest {

    private static final String KEY = "sk-lifecycle-2718";
    private static final Duration SLACK = Duration.ofSeconds(3);

    private final ScriptedTransport transport = new ScriptedTransport();

    private OpenAILLM.Builder llm() {
        return OpenAILLM.builder().baseUrl("http://127.0.0.1:9/v1").apiKey(KEY).model("m").transport(transport)
                .retryDelays(Duration.ofMillis(1), Duration.ofMillis(20));
    }

    static String token(String text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n";
    }

    static final String FINISH = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    static final String USAGE = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n";

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aWholeAnswerIsReadAndItsBodyReleasedAtTheEnd() {
        ScriptedTransport.Body body = new ScriptedTransport.Body()
                .feed(token("Hel") + token("lo") + FINISH + USAGE + "data: [DONE]\n\n");
        transport.then(r -> sse(body));
        try (LLMStream s = llm().build().open("hi")) {
            List<String> seen = new ArrayList<>();
            s.forEachRemaining(seen::add);
            assertThat(seen).containsExactly("Hel", "lo");
            assertThat(s.text()).isEqualTo("Hello");
            assertThat(s.finishReason()).contains("stop");
            assertThat(s.usage()).hasValueSatisfying(u -> {
                assertThat(u.promptTokens()).isEqualTo(3);
                assertThat(u.completionTokens()).isEqualTo(2);
            });
            assertThat(body.closed).as("released at [DONE], before close()").isTrue();
            assertThat(s.hasNext()).isFalse();
            assertThatThrownBy(s::next).isInstanceOf(java.util.NoSuchElementException.class);
        }
        assertThat(transport.sent).hasSize(1);
        assertThat(transport.sent.peek().headersTimeout()).isEqualTo(ClientSettings.DEFAULT_FIRST_TOKEN_TIMEOUT);
    }

    @Test
    void anEarlyCloseReleasesTheBodyAndEndsQuietly() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("a") + token("b"));
        transport.then(r -> sse(body));
        LLMStream s = llm().build().open("hi");
        assertThat(s.next()).isEqualTo("a");
        s.close();
        assertThat(body.closed).isTrue();
        assertThat(s.hasNext()).isFalse();
        s.close(); // idempotent
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReader() throws Exception {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("a"));
        transport.then(r -> sse(body));
        LLMStream s = llm().build().open("hi");
        assertThat(s.next()).isEqualTo("a");
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(s.hasNext());
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        });
        awaitBlocked(reader);
        s.close();
        assertThat(outcome.poll(2, TimeUnit.SECONDS)).isEqualTo(false);
        assertThat(body.closed).isTrue();
    }

    @Test
    void anInterruptOfABlockedReaderIsACancellationWithThePartialText() throws Exception {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("a"));
        transport.then(r -> sse(body));
        LLMStream s = llm().build().open("hi");
        assertThat(s.next()).isEqualTo("a");
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(2);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(s.hasNext());
            } catch (RuntimeException e) {
                outcome.add(e);
                outcome.add(Thread.currentThread().isInterrupted());
            }
        });
        awaitBlocked(reader);
        reader.interrupt();
        assertThat(outcome.poll(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(CancelledException.class,
                e -> assertThat(e.partialText()).isEqualTo("a"));
        assertThat(outcome.poll(2, TimeUnit.SECONDS)).as("the interrupt flag stays set").isEqualTo(true);
        assertThat(body.closed).isTrue();
    }

    @Test
    void silenceAfterATokenIsAnIdleTimeout() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("a"));
        transport.then(r -> sse(body));
        Duration idle = Duration.ofMillis(200);
        long start = System.nanoTime();
        LLMException e = failure(llm().idleTimeout(idle).build());
        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class, t -> {
            assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.IDLE);
            assertThat(t.limit()).isEqualTo(idle);
            assertThat(t.isRetryable()).isFalse();
        });
        assertThat(e.partialText()).isEqualTo("a");
        assertThat(since(start)).isBetween(idle, idle.plus(SLACK));
        assertThat(body.closed).isTrue();
    }

    @Test
    void bytesThatAreNotTokensDoNotCountAsTheFirstToken() throws Exception {
        ScriptedTransport.Body body = new ScriptedTransport.Body();
        transport.then(r -> sse(body));
        Duration firstToken = Duration.ofMillis(400);
        Thread feeder = Thread.ofVirtual().start(() -> {
            while (!body.closed.get()) {
                body.feed(": keep-alive\n\n");
                try {
                    TimeUnit.MILLISECONDS.sleep(20); // the server's pace
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long start = System.nanoTime();
        LLMException e = failure(llm().firstTokenTimeout(firstToken).idleTimeout(Duration.ofMillis(150)).build());
        feeder.join();
        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class, t -> {
            assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.FIRST_TOKEN);
            assertThat(t.limit()).isEqualTo(firstToken);
            assertThat(t.isRetryable()).as("nothing delivered yet").isTrue();
        });
        assertThat(since(start)).isBetween(firstToken, firstToken.plus(SLACK));
    }

    @Test
    void aTrickleOfTokensIsStoppedByTheTotalLimit() throws Exception {
        ScriptedTransport.Body body = new ScriptedTransport.Body();
        transport.then(r -> sse(body));
        Thread feeder = Thread.ofVirtual().start(() -> {
            for (int i = 0; !body.closed.get(); i++) {
                body.feed(token("t" + i));
                try {
                    TimeUnit.MILLISECONDS.sleep(10); // the server's pace
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Duration total = Duration.ofMillis(400);
        long start = System.nanoTime();
        LLMException e = failure(llm().totalTimeout(total).build());
        feeder.join();
        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class, t -> {
            assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.TOTAL);
            assertThat(t.isRetryable()).isFalse();
        });
        assertThat(e.partialText()).startsWith("t0t1");
        assertThat(since(start)).isBetween(total, total.plus(SLACK));
    }

    @Test
    void aShorterTotalLimitAlsoBoundsTheWaitForHeaders() {
        assertThat(ClientSettings.defaults().withTotalTimeout(Duration.ofSeconds(3)).headersTimeout())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(ClientSettings.defaults().withFirstTokenTimeout(Duration.ofSeconds(2))
                .withTotalTimeout(Duration.ofSeconds(3)).headersTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ClientSettings.defaults().withFirstTokenTimeout(Duration.ofSeconds(3))
                .withTotalTimeout(Duration.ofSeconds(3)).headersTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aBrokenReadMidAnswerIsATruncatedStreamWithThePartialText() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("a") + token("b"))
                .fail(new IOException("connection reset"));
        transport.then(r -> sse(body));
        LLMException e = failure(llm().build());
        assertThat(e).isInstanceOf(TruncatedStreamException.class).hasMessageContaining("connection reset");
        assertThat(e.partialText()).isEqualTo("ab");
        assertThat(transport.sent).as("never retried after a token").hasSize(1);
        assertThat(body.closed).isTrue();
    }

    @Test
    void anEventOverTheLimitIsMalformedAndReleasesTheBody() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("a") + "data: " + "x".repeat(5000));
        transport.then(r -> sse(body));
        LLMException e = failure(llm().maxEventBytes(1024).build());
        assertThat(e).isInstanceOf(MalformedChunkException.class);
        assertThat(e.partialText()).isEqualTo("a");
        assertThat(body.closed).isTrue();
    }

    @Test
    void headersTimeoutsAreRetriedThenTyped() {
        for (int i = 0; i < 3; i++) {
            transport.then(r -> {
                throw new TransportTimeoutException(TransportTimeoutException.Phase.HEADERS, "slow", null);
            });
        }
        assertThatThrownBy(() -> llm().maxRetries(2).firstTokenTimeout(Duration.ofSeconds(7)).build().generate("hi"))
                .isInstanceOfSatisfying(LLMTimeoutException.class, t -> {
                    assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.HEADERS);
                    assertThat(t.limit()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(t.partialText()).isEmpty();
                });
        assertThat(transport.sent).hasSize(3);
    }

    @Test
    void connectTimeoutsAreTypedAsSuch() {
        transport.then(r -> {
            throw new TransportTimeoutException(TransportTimeoutException.Phase.CONNECT, "no route", null);
        });
        assertThatThrownBy(() -> llm().maxRetries(0).build().generate("hi"))
                .isInstanceOfSatisfying(LLMTimeoutException.class,
                        t -> assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.CONNECT));
    }

    @Test
    void connectionFailuresAreRetriedAndTheirMessageRedacted() {
        for (int i = 0; i < 2; i++) {
            transport.then(r -> {
                throw new IOException("proxy refused Authorization: Bearer " + KEY);
            });
        }
        assertThatThrownBy(() -> llm().maxRetries(1).build().generate("hi"))
                .isInstanceOfSatisfying(ConnectionException.class, e -> {
                    assertThat(e.getMessage()).contains("cannot reach").contains("proxy refused")
                            .doesNotContain(KEY);
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(transport.sent).hasSize(2);
    }

    @Test
    void anInterruptWhileSendingIsACancellation() {
        transport.then(r -> {
            throw new InterruptedIOException("interrupted");
        });
        try {
            assertThatThrownBy(() -> llm().build().generate("hi")).isInstanceOf(CancelledException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(transport.sent).as("a cancellation is not retried").hasSize(1);
    }

    @Test
    void anInterruptDuringTheBackoffIsACancellationCarryingTheFailure() {
        transport.then(r -> {
            throw new IOException("refused");
        });
        Thread.currentThread().interrupt(); // the backoff sleep sees it at once
        try {
            assertThatThrownBy(() -> llm().retryDelays(Duration.ofSeconds(5), Duration.ofSeconds(5)).build()
                    .generate("hi")).isInstanceOfSatisfying(CancelledException.class,
                            e -> assertThat(e.getSuppressed()).singleElement()
                                    .isInstanceOf(ConnectionException.class));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void serverErrorsAreRetriedHonouringRetryAfterAndTheirBodiesReleased() {
        List<ScriptedTransport.Body> bodies = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ScriptedTransport.Body b = new ScriptedTransport.Body().feed("{\"error\":{\"message\":\"busy\"}}").end();
            bodies.add(b);
            transport.then(r -> ScriptedTransport.response(503, Map.of("retry-after", List.of("0")), b));
        }
        ScriptedTransport.Body ok = new ScriptedTransport.Body().feed(token("fine") + FINISH + "data: [DONE]\n\n");
        transport.then(r -> sse(ok));
        assertThat(llm().maxRetries(2).build().generate("hi")).isEqualTo("fine");
        assertThat(bodies).allSatisfy(b -> assertThat(b.closed).isTrue());
        assertThat(transport.sent).hasSize(3);
    }

    @Test
    void aRetryAfterLongerThanTheMostWeWaitIsThrownAtOnce() {
        transport.then(r -> ScriptedTransport.response(503, Map.of("retry-after", List.of("3600")),
                new ScriptedTransport.Body().end()));
        long start = System.nanoTime();
        assertThatThrownBy(() -> llm().maxRetries(3).build().generate("hi"))
                .isInstanceOfSatisfying(ServerException.class,
                        e -> assertThat(e.retryAfter()).hasValue(Duration.ofHours(1)));
        assertThat(transport.sent).hasSize(1);
        assertThat(since(start)).isLessThan(SLACK);
    }

    static final String OVERLOADED = "data: {\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}\n\n";

    @Test
    void anOverloadInsideTheStreamBeforeAnyTokenIsRetriedAndEachBodyReleased() {
        ScriptedTransport.Body failed = new ScriptedTransport.Body().feed(OVERLOADED);
        ScriptedTransport.Body answered = new ScriptedTransport.Body()
                .feed(token("ok") + FINISH + "data: [DONE]\n\n");
        transport.then(r -> sse(failed)).then(r -> sse(answered));

        try (LLMStream s = llm().build().open("hi")) {
            List<String> seen = new ArrayList<>();
            s.forEachRemaining(seen::add);
            assertThat(seen).containsExactly("ok");
        }
        assertThat(transport.sent).hasSize(2);
        assertThat(failed.closed).as("the failed attempt's body released").isTrue();
        assertThat(answered.closed).isTrue();
    }

    @Test
    void anOverloadInsideTheStreamUsesWhatIsLeftOfTheBudget() {
        transport.then(r -> {
            throw new IOException("refused");
        });
        ScriptedTransport.Body failed = new ScriptedTransport.Body().feed(OVERLOADED);
        transport.then(r -> sse(failed));

        assertThatThrownBy(() -> llm().maxRetries(1).build().generate("hi"))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.getMessage()).contains("busy").doesNotContain(KEY);
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(transport.sent).as("one retry in all").hasSize(2);
        assertThat(failed.closed).isTrue();
    }

    @Test
    void anOverloadInsideTheStreamAfterATokenIsThrownWithThePartialText() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(token("Hal") + OVERLOADED);
        transport.then(r -> sse(body));

        assertThatThrownBy(() -> llm().build().generate("hi"))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.partialText()).isEqualTo("Hal");
                    assertThat(e.isRetryable()).isFalse();
                });
        assertThat(transport.sent).hasSize(1);
        assertThat(body.closed).isTrue();
    }

    @Test
    void anErrorBodyThatNeverEndsIsCutByTheIdleLimit() {
        ScriptedTransport.Body stalled = new ScriptedTransport.Body().feed("{\"error\":{\"message\":\"bu");
        transport.then(r -> ScriptedTransport.response(500, Map.of(), stalled));
        Duration idle = Duration.ofMillis(200);
        long start = System.nanoTime();
        assertThatThrownBy(() -> llm().maxRetries(0).idleTimeout(idle).build().generate("hi"))
                .isInstanceOf(ServerException.class);
        assertThat(since(start)).isBetween(idle, idle.plus(SLACK));
        assertThat(stalled.closed).isTrue();
    }

    @Test
    void backoffDoublesWithJitterAndIsCapped() {
        ClientSettings s = ClientSettings.defaults().withRetryDelays(Duration.ofMillis(100), Duration.ofMillis(300))
                .withMaxRetries(5);
        HttpLLMClient client = new HttpLLMClient("p", null, Map.of(), Map.of(), transport, s);
        LLMException retryable = new ConnectionException("p", "x", null);
        for (int i = 0; i < 200; i++) {
            assertThat(client.retryDelay(retryable, 0).orElseThrow()).isBetween(Duration.ofMillis(50),
                    Duration.ofMillis(100));
            assertThat(client.retryDelay(retryable, 1).orElseThrow()).isBetween(Duration.ofMillis(100),
                    Duration.ofMillis(200));
            assertThat(client.retryDelay(retryable, 4).orElseThrow()).isBetween(Duration.ofMillis(150),
                    Duration.ofMillis(300));
        }
        assertThat(client.retryDelay(retryable, 5)).as("attempts used up").isEmpty();
        assertThat(client.retryDelay(new TruncatedStreamException("p", "x", PartialResult.EMPTY, null), 0)).isEmpty();
        assertThat(client.retryDelay(new ServerException("p", 503, "x", Duration.ofMillis(300), PartialResult.EMPTY), 0))
                .hasValue(Duration.ofMillis(300));
        assertThat(client.retryDelay(new ServerException("p", 503, "x", Duration.ofMillis(301), PartialResult.EMPTY), 0)).isEmpty();
    }

    private static LLMException failure(LLM llm) {
        try (LLMStream s = llm.open("hi")) {
            s.forEachRemaining(t -> { });
        } catch (LLMException e) {
            return e;
        }
        throw new AssertionError("expected the stream to fail");
    }

    private static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("reader blocks").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
