package io.synapsekit.llm.openai;

import static io.synapsekit.testing.OpenAIWire.answer;
import static io.synapsekit.testing.OpenAIWire.role;
import static io.synapsekit.testing.OpenAIWire.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.stream.CloseableIterator;
import io.synapsekit.testing.OpenAIWire;
import io.synapsekit.testing.StreamingBodies;
import io.synapsekit.testlog.CapturedLogs;
import java.lang.ref.WeakReference;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/**
 * {@link OpenAILLM} over real HTTP on loopback, through the JDK transport: tokens, errors, time limits, and the
 * release of connections on every exit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAILLMOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    private final CountDownLatch resume = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        resume.countDown();
        server.close();
        assertThat(CapturedLogs.all()).as("no log record carries the API key")
                .noneMatch(e -> e.message().contains("sk-test-secret-123"));
    }

    private OpenAILLM.Builder llm() {
        return new OpenAILLM.Builder(name -> null).baseUrl(server.url("/v1").toString()).apiKey("sk-test-secret-123")
                .retryDelays(Duration.ofMillis(1), Duration.ofMillis(100));
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    @Test
    void streamsTokensInOrderAndSendsTheDocumentedRequest() throws Exception {
        server.enqueue(sse(answer("Retrieval", "-Aug", "mented", " Generation")));
        LLM llm = llm().model("gpt-4o-mini").build();

        List<String> tokens;
        try (Stream<String> stream = llm.stream("Tell me about RAG", GenerateOptions.system("Be brief."))) {
            tokens = stream.toList();
        }

        assertThat(tokens).containsExactly("Retrieval", "-Aug", "mented", " Generation");
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test-secret-123");
        JsonNode body = JSON.readTree(request.getBody().utf8());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Tell me about RAG");
    }

    @Test
    void bodySplitIntoTinyPiecesGivesTheSameAnswerUsageAndFinish() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(answer("Hél", "lo ", "wörld ", "🌍"))
                .throttleBody(3, 1, TimeUnit.MILLISECONDS)
                .build());
        try (LLMStream answer = llm().build().open("hi")) {
            List<String> tokens = new ArrayList<>();
            answer.forEachRemaining(tokens::add);
            assertThat(tokens).containsExactly("Hél", "lo ", "wörld ", "🌍");
            assertThat(answer.text()).isEqualTo("Héllo wörld 🌍");
            assertThat(answer.finishReason()).contains("stop");
            assertThat(answer.usage()).hasValueSatisfying(u -> {
                assertThat(u.promptTokens()).isEqualTo(9);
                assertThat(u.completionTokens()).isEqualTo(4);
            });
        }
    }

    @Test
    void generateCollectsTheWholeAnswer() {
        server.enqueue(sse(answer("Quantum ", "bits ", "superpose.")));
        assertThat(llm().build().generate("Summarize quantum computing")).isEqualTo("Quantum bits superpose.");
    }

    /** A refusal as OpenAI streams it with structured output: refusal deltas where content would be. */
    private static String refusal(String... pieces) {
        StringBuilder s = new StringBuilder(OpenAIWire.chunk("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}"));
        for (String piece : pieces) {
            s.append(OpenAIWire.chunk("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{\"refusal\":" + OpenAIWire.quote(piece) + "},\"logprobs\":null,"
                    + "\"finish_reason\":null}]}"));
        }
        return s.append(OpenAIWire.finish("stop")).append(OpenAIWire.usage(9, pieces.length))
                .append(OpenAIWire.done()).toString();
    }

    @Test
    void aRefusalIsItsOwnChannelNeverAnAnswerToken() {
        server.enqueue(sse(refusal("I'm sorry, ", "I can't help with that.")));
        server.enqueue(sse(refusal("I'm sorry, ", "I can't help with that.")));
        server.enqueue(sse(refusal("No.")));
        LLM llm = llm().build();

        try (LLMStream answer = llm.open("hi")) {
            assertThat(answer.hasNext()).as("no answer token").isFalse();
            assertThat(answer.text()).isEmpty();
            assertThat(answer.refusal()).isEqualTo("I'm sorry, I can't help with that.");
            assertThat(answer.finishReason()).contains("stop");
        }
        try (Stream<io.synapsekit.llm.LLMEvent> events = llm.events("hi")) {
            assertThat(events.filter(e -> !(e instanceof io.synapsekit.llm.LLMEvent.Usage)).toList()).containsExactly(
                    new io.synapsekit.llm.LLMEvent.Refusal("I'm sorry, "),
                    new io.synapsekit.llm.LLMEvent.Refusal("I can't help with that."),
                    new io.synapsekit.llm.LLMEvent.Finish("stop"));
        }
        try (Stream<String> tokens = llm.stream("hi")) {
            assertThat(tokens.toList()).as("the answer channel stays empty, so parseable").isEmpty();
        }
    }

    @Test
    void anAnswerWithoutARefusalHasAnEmptyRefusal() {
        server.enqueue(sse(answer("fine")));
        try (LLMStream answer = llm().build().open("hi")) {
            answer.forEachRemaining(t -> { });
            assertThat(answer.refusal()).isEmpty();
        }
    }

    @Test
    void aRefusalInACompletionTheServerDidNotStreamIsARefusalToo() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't.\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3}}")
                .build());
        try (LLMStream answer = llm().build().open("hi")) {
            assertThat(answer.hasNext()).isFalse();
            assertThat(answer.refusal()).isEqualTo("I can't.");
            assertThat(answer.text()).isEmpty();
        }
    }

    @Test
    void earlyCloseDisconnectsFromTheServer() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.endless(clientLeft)).build());

        try (Stream<String> tokens = llm().build().stream("count forever")) {
            assertThat(tokens.limit(3).toList()).containsExactly("t0 ", "t1 ", "t2 ");
        }

        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReaderAndDisconnects() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.stallAfter(role() + token("first"), resume, clientLeft)).build());
        LLMStream answer = llm().build().open("hi");
        assertThat(answer.next()).isEqualTo("first");

        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(answer.hasNext());
            } catch (Throwable t) {
                outcome.add(t);
            }
        });
        awaitState(reader, Thread.State.WAITING);
        answer.close();

        assertThat(outcome.poll(5, TimeUnit.SECONDS)).as("blocked reader woke and saw the end").isEqualTo(false);
        resume.countDown();
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
    }

    @Test
    void thousandEarlyClosedStreamsLeaveNoThreadsBehind() throws Exception {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                        .body(StreamingBodies.endless(new CountDownLatch(1))).build();
            }
        });
        LLM llm = llm().build();
        readOneTokenAndClose(llm); // warm up the client: selector thread, connection machinery
        Set<String> baseline = ourThreads();

        for (int i = 0; i < 1000; i++) {
            readOneTokenAndClose(llm);
        }

        assertEventually(() -> ourThreads().size() <= baseline.size(), Duration.ofSeconds(15),
                () -> "threads now " + ourThreads() + ", baseline " + baseline);
    }

    private static void readOneTokenAndClose(LLM llm) {
        try (CloseableIterator<String> tokens = llm.open("hi")) {
            assertThat(tokens.next()).isEqualTo("t0 ");
        }
    }

    @Test
    void idleTimeoutFiresWhenTheServerStallsMidAnswerAndKeepsThePartialText() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.stallAfter(role() + token("Hel") + token("lo"), resume, clientLeft)).build());
        LLM llm = llm().idleTimeout(Duration.ofMillis(300)).build();
        List<String> seen = new ArrayList<>();

        assertThatThrownBy(() -> {
            try (Stream<String> s = llm.stream("hi")) {
                s.forEach(seen::add);
            }
        }).isInstanceOfSatisfying(LLMTimeoutException.class, e -> {
            assertThat(e.kind()).isEqualTo(LLMTimeoutException.Kind.IDLE);
            assertThat(e.partialText()).isEqualTo("Hello");
        });
        assertThat(seen).containsExactly("Hel", "lo");
        resume.countDown();
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
    }

    @Test
    void firstTokenTimeoutFiresWhenHeadersArriveButNoToken() {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.stallAfter(role(), resume, clientLeft)).build());
        LLM llm = llm().firstTokenTimeout(Duration.ofMillis(400)).build();

        assertThatThrownBy(() -> llm.generate("think hard"))
                .isInstanceOfSatisfying(LLMTimeoutException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LLMTimeoutException.Kind.FIRST_TOKEN);
                    assertThat(e.partialText()).isEmpty();
                });
    }

    @Test
    void headersThatNeverComeTimeOut() {
        server.enqueue(sse(answer("late")).newBuilder().headersDelay(10, TimeUnit.SECONDS).build());
        LLM llm = llm().firstTokenTimeout(Duration.ofMillis(300)).maxRetries(0).build();

        assertThatThrownBy(() -> llm.generate("hi")).isInstanceOfSatisfying(LLMTimeoutException.class,
                e -> assertThat(e.kind()).isEqualTo(LLMTimeoutException.Kind.HEADERS));
    }

    @Test
    void interruptingTheReaderCancelsWithThePartialText() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.stallAfter(role() + token("partial"), resume, clientLeft)).build());
        LLM llm = llm().build();
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(2);
        CountDownLatch gotFirst = new CountDownLatch(1);

        Thread reader = Thread.ofVirtual().start(() -> {
            try (Stream<String> s = llm.stream("hi")) {
                s.forEach(t -> gotFirst.countDown());
                outcome.add("ended without error");
            } catch (Throwable t) {
                outcome.add(t);
                outcome.add(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(gotFirst.await(5, TimeUnit.SECONDS)).isTrue();
        awaitState(reader, Thread.State.WAITING);
        reader.interrupt();

        Object error = outcome.poll(5, TimeUnit.SECONDS);
        assertThat(error).isInstanceOfSatisfying(CancelledException.class,
                e -> assertThat(e.partialText()).isEqualTo("partial"));
        assertThat(outcome.poll(1, TimeUnit.SECONDS)).as("interrupt flag kept").isEqualTo(true);
        resume.countDown();
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
    }

    @Test
    void connectionDroppedMidAnswerIsATruncatedStreamWithThePartialText() throws Exception {
        List<String> all = OpenAIWire.numbered(200);
        // MockWebServer's socket effects close before or after the headers depending on timing (a reset can even
        // discard the headers, which made this test retry into an empty queue on a loaded CI machine), so a raw
        // server writes the headers and the first half of a body of known length, then closes its side cleanly.
        byte[] body = answer(all.toArray(String[]::new)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String firstHalf = role() + all.subList(0, 100).stream().map(OpenAIWire::token).collect(Collectors.joining());
        try (HalfBodyServer half = new HalfBodyServer(body.length,
                firstHalf.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            LLM llm = new OpenAILLM.Builder(name -> null).baseUrl(half.url()).apiKey("sk-test-secret-123")
                    .maxRetries(0).build();

            assertThatThrownBy(() -> {
                try (Stream<String> s = llm.stream("hi")) {
                    s.forEach(seen::add);
                }
            }).isInstanceOfSatisfying(TruncatedStreamException.class,
                    e -> assertThat(e.partialText()).isEqualTo(String.join("", all.subList(0, 100))));
            assertThat(seen).isEqualTo(all.subList(0, 100));
        }
    }

    /** Serves one connection: full-length headers, part of the body, then a clean close (FIN, not a reset). */
    private static final class HalfBodyServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        private final Thread thread;

        HalfBodyServer(int contentLength, byte[] part) throws java.io.IOException {
            thread = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = socket.accept()) {
                    java.io.InputStream in = s.getInputStream();
                    readRequest(in);
                    java.io.OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
                            + contentLength + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.write(part);
                    out.flush();
                    s.shutdownOutput();
                    in.transferTo(java.io.OutputStream.nullOutputStream()); // until the client closes
                } catch (java.io.IOException ignored) {
                    // the client went away first: nothing left to do
                }
            });
        }

        /** Reads the request head and its Content-Length body, so closing never resets unread input. */
        private static void readRequest(java.io.InputStream in) throws java.io.IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)")
                    .matcher(head);
            if (m.find()) {
                in.readNBytes(Integer.parseInt(m.group(1)));
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void cleanEndWithoutFinishOrDoneIsATruncatedStream() {
        server.enqueue(sse(role() + token("cut")));
        assertThatThrownBy(() -> llm().build().generate("hi"))
                .isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                    assertThat(e.partialText()).isEqualTo("cut");
                    assertThat(e.getMessage()).contains("openai").contains("[DONE]");
                });
    }

    @Test
    void unauthorizedIsTypedWithTheProvidersMessageAndNoKey() {
        server.enqueue(new MockResponse.Builder().code(401).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"Incorrect API key provided: sk-test-secret-123.\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}").build());

        assertThatThrownBy(() -> llm().build().generate("hi"))
                .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                    assertThat(e.httpStatus()).hasValue(401);
                    assertThat(e.getMessage()).contains("openai").contains("401").contains("Incorrect API key")
                            .doesNotContain("sk-test-secret-123");
                });
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void rateLimitIsRetriedHonouringRetryAfterBeforeAnyToken() {
        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "0")
                .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}").build());
        server.enqueue(sse(answer("ok")));

        assertThat(llm().build().generate("hi")).isEqualTo("ok");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedAThenThrownTyped() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder().code(500)
                    .body("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}").build());
        }
        assertThatThrownBy(() -> llm().maxRetries(2).build().generate("hi"))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.httpStatus()).hasValue(500);
                    assertThat(e.getMessage()).contains("The server had an error");
                    assertThat(e.isRetryable()).isTrue();
                });
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void refusedConnectionIsAConnectionException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LLM llm = new OpenAILLM.Builder(name -> null).baseUrl("http://127.0.0.1:" + port + "/v1").maxRetries(0)
                .build();
        assertThatThrownBy(() -> llm.generate("hi")).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void abandonedStreamIsReleasedByTheGarbageCollector() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.endless(clientLeft)).build());
        WeakReference<Iterator<String>> ref = abandon(llm().build());

        assertEventually(() -> {
            System.gc();
            return ref.get() == null && clientLeft.getCount() == 0;
        }, Duration.ofSeconds(20), () -> "stream still reachable or connection still open");
        assertThat(CapturedLogs.matching(Level.WARN, "never closed")).as("warned once").hasSize(1);
    }

    private static WeakReference<Iterator<String>> abandon(LLM llm) {
        Iterator<String> tokens = llm.open("hi");
        assertThat(tokens.next()).isEqualTo("t0 ");
        return new WeakReference<>(tokens);
    }

    @Test
    void everyFailureCarriesTheProviderName() {
        server.enqueue(new MockResponse.Builder().code(400).body("{\"error\":{\"message\":\"bad temperature\"}}")
                .build());
        assertThatThrownBy(() -> llm().build().generate("hi")).isInstanceOfSatisfying(LLMException.class,
                e -> assertThat(e.provider()).isEqualTo("openai"));
    }

    // --- support ---

    /** Names of live platform threads that are not the mock server's own. */
    static Set<String> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(t -> t.getName() + "#" + t.threadId())
                .filter(n -> !n.startsWith("MockWebServer") && !n.startsWith("OkHttp"))
                .collect(Collectors.toSet());
    }

    static void awaitState(Thread thread, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != state && thread.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread never reached " + state + ": " + thread.getState());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static void assertEventually(BooleanSupplier condition, Duration within, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + why.get());
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling interval of a deadline poll, not synchronisation
        }
    }
}
