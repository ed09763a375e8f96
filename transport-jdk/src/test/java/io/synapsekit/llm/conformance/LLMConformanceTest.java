package io.synapsekit.llm.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.InvalidRequestException;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.ToolSpec;
import io.synapsekit.llm.TruncatedStreamException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every streaming provider keeps, run over real HTTP on loopback against MockWebServer transcripts
 * written from each provider's documented wire format.
 *
 * <p>A subclass supplies the client and its wire format: a few methods that write an answer, a cut-off answer,
 * a malformed chunk, an error body, a tool call and a thinking block the way that provider sends them. Every
 * answer reports {@value #PROMPT_TOKENS} prompt tokens and one completion token per answer token, where the
 * provider reports usage at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class LLMConformanceTest {

    /** The prompt token count every transcript reports. */
    protected static final int PROMPT_TOKENS = 9;
    /** The key every client is built with; it must never appear in an error message. */
    protected static final String KEY = "test-secret-key-123";

    private static final ObjectMapper JSON = new ObjectMapper();

    protected final MockWebServer server = new MockWebServer();
    private final List<CountDownLatch> toRelease = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server.start();
    }

    @AfterEach
    void stopServer() {
        toRelease.forEach(CountDownLatch::countDown);
        server.close();
    }

    // --- what each provider supplies ---

    /**
     * Returns a client of this provider at {@code baseUrl} (the mock server's root), built with {@link #KEY} and
     * with {@code settings} applied to its builder before {@code build()}.
     */
    protected abstract LLM newLLM(String baseUrl, Consumer<HttpLLMBuilder<?>> settings);

    /** Returns the header the provider's key travels in, spelled as its documentation does. */
    protected abstract String keyHeader();

    /** Returns the request path the provider documents, for the default model, e.g. {@code /v1/messages}. */
    protected abstract String expectedPath();

    /** Returns the response content type the provider sends. */
    protected abstract String contentType();

    /** Returns a complete answer of {@code tokens}, with finish reason and usage, as the provider streams it. */
    protected abstract String answer(List<String> tokens);

    /** Returns the opening of an answer, up to and including its first token chunk. */
    protected abstract String opening(String firstToken);

    /** Returns one token chunk in the middle of an answer. */
    protected abstract String token(String text);

    /** Returns an answer that delivers {@code tokens} and then ends cleanly without the provider's end marker. */
    protected abstract String truncated(List<String> tokens);

    /** Returns {@code payload} framed as one chunk of this provider's stream (an SSE event, a line). */
    protected abstract String framed(String payload);

    /** Returns the provider's documented error body for an HTTP error carrying {@code message}. */
    protected abstract String errorBody(int status, String message);

    /** Returns an error the provider sends inside a successful stream, after what came before. */
    protected abstract String midStreamError(String message);

    /**
     * Returns an answer that is one tool call {@code id}/{@code name} whose JSON arguments are {@code arguments}
     * (sent in fragments where the provider streams fragments).
     */
    protected abstract String toolCall(String id, String name, String arguments);

    /** Returns an answer that first thinks {@code thinking}, then answers {@code answer}. */
    protected abstract String thinkingThenAnswer(String thinking, String answer);

    /**
     * Returns the exact JSON body of the second request of {@link #aToolLoopSendsTheResultInTheDocumentedShape}:
     * the user's question, the model's turn calling {@code get_weather} as {@code call_1} with
     * {@code {"city":"Paris"}}, and the result {@code {"temperature_c":21}}, with the tool declared, written
     * from the provider's documented request format.
     */
    protected abstract String toolLoopSecondRequest();

    /** Returns a structured answer whose JSON is {@code json}, as the provider sends one. */
    protected String structuredAnswer(String json) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < json.length(); i += 9) {
            pieces.add(json.substring(i, Math.min(json.length(), i + 9)));
        }
        return answer(pieces);
    }

    /**
     * Returns, as one JSON object, the top-level request fields that ask for an answer following the schema of
     * {@link Weather}, exactly as the provider documents them.
     */
    protected abstract String structuredRequestFields();

    /** The record a structured answer binds to. */
    public record Weather(String city, int celsius, @Nullable String note) {}

    /** Returns whether the provider reports token usage; when not, usage must come back as {@code null}s. */
    protected boolean reportsUsage() {
        return true;
    }

    /**
     * Returns what the provider sends before any content (an opening chunk, a message start, a ping), or
     * {@code ""}.
     */
    protected String preamble() {
        return "";
    }

    /**
     * Returns the type of the error {@link #midStreamError} becomes: a {@link ServerException} where the provider
     * names it an overload or a server error, so that it is retried before any content.
     */
    protected Class<? extends LLMException> midStreamErrorType() {
        return ServerException.class;
    }

    /** Returns whether the provider sends the tool call id (Ollama and older Gemini models do not). */
    protected boolean sendsToolCallIds() {
        return true;
    }

    // --- helpers ---

    /** Returns {@code text} as a JSON string literal, for writing transcripts. */
    protected static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns a client with fast retries, for tests. */
    protected final LLM llm() {
        return llm(b -> { });
    }

    protected final LLM llm(Consumer<HttpLLMBuilder<?>> more) {
        return newLLM(server.url("/").toString(), b -> {
            b.retryDelays(Duration.ofMillis(1), Duration.ofMillis(50));
            more.accept(b);
        });
    }

    protected final MockResponse ok(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", contentType()).body(body).build();
    }

    private MockResponse error(int status, String message) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                .body(errorBody(status, message)).build();
    }

    // --- the contract ---

    @Test
    void streamsTheSameTokensWhateverTheChunking() {
        List<String> tokens = List.of("Hél", "lo ", "wörld ", "🌍", " \"quoted\"\n");
        server.enqueue(ok(answer(tokens)));
        server.enqueue(ok(answer(tokens)).newBuilder().throttleBody(3, 1, TimeUnit.MILLISECONDS).build());
        LLM llm = llm();

        for (int i = 0; i < 2; i++) {
            try (Stream<String> s = llm.stream("hi")) {
                assertThat(s.toList()).as("attempt %d", i).containsExactlyElementsOf(tokens);
            }
        }
    }

    @Test
    void sendsTheDocumentedRequest() throws Exception {
        server.enqueue(ok(answer(List.of("ok"))));
        assertThat(llm().generate("Tell me about RAG", GenerateOptions.system("Be brief."))).isEqualTo("ok");

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo(expectedPath());
        String body = request.getBody().utf8();
        JsonNode json = JSON.readTree(body);
        assertThat(json.isObject()).isTrue();
        assertThat(body).contains("Tell me about RAG").contains("Be brief.");
    }

    @Test
    void aUsersHeaderReplacesTheDefaultOfTheSameNameInAnyCase() throws Exception {
        server.enqueue(ok(answer(List.of("ok"))));
        String key = keyHeader();
        String otherCase = key.equals(key.toLowerCase(java.util.Locale.ROOT)) ? key.toUpperCase(java.util.Locale.ROOT)
                : key.toLowerCase(java.util.Locale.ROOT);
        llm(b -> b.header(otherCase, "the-users-key").header("user-agent", "my-app/2")
                .header("X-Trace", "first").header("x-trace", "second")).generate("hi");

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        // MockWebServer records every header line as sent; values() matches names in any case.
        assertThat(request.getHeaders().values(key)).as("the key header, sent as %s", otherCase)
                .containsExactly("the-users-key");
        assertThat(request.getHeaders().values("User-Agent")).containsExactly("my-app/2");
        assertThat(request.getHeaders().values("X-Trace")).as("a user's header set twice").containsExactly("second");
    }

    @Test
    void eventsComeInOrderTokensThenFinishThenUsage() {
        List<String> tokens = List.of("a", "b", "c");
        server.enqueue(ok(answer(tokens)));
        List<LLMEvent> events;
        try (Stream<LLMEvent> s = llm().events("hi")) {
            events = s.filter(e -> !(e instanceof LLMEvent.Raw)).toList();
        }

        List<String> kinds = events.stream().map(e -> e.getClass().getSimpleName()).toList();
        assertThat(kinds).as("events %s", events).startsWith("Token", "Token", "Token");
        assertThat(kinds.subList(3, kinds.size())).as("after the tokens").containsExactly("Finish", "Usage");
        LLMEvent.Usage usage = (LLMEvent.Usage) events.get(events.size() - 1);
        if (reportsUsage()) {
            assertThat(usage.promptTokens()).isEqualTo(PROMPT_TOKENS);
            assertThat(usage.completionTokens()).isEqualTo(tokens.size());
        } else {
            assertThat(usage.promptTokens()).as("never a chunk count").isNull();
            assertThat(usage.completionTokens()).as("never a chunk count").isNull();
        }
    }

    @Test
    void usageAndFinishReasonAreAvailableOnceTheStreamEnds() {
        server.enqueue(ok(answer(List.of("x", "y"))));
        try (LLMStream answer = llm().open("hi")) {
            answer.forEachRemaining(t -> { });
            assertThat(answer.text()).isEqualTo("xy");
            assertThat(answer.finishReason()).isPresent();
            assertThat(answer.usage()).hasValueSatisfying(u -> {
                if (reportsUsage()) {
                    assertThat(u.promptTokens()).isEqualTo(PROMPT_TOKENS);
                    assertThat(u.completionTokens()).isEqualTo(2);
                    assertThat(u.totalTokens()).isEqualTo(PROMPT_TOKENS + 2);
                } else {
                    assertThat(u.totalTokens()).isNull();
                }
            });
        }
    }

    @Test
    void earlyCloseDisconnectsFromTheServer() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", contentType())
                .body(endless(opening("t0 "), i -> token("t" + i + " "), clientLeft)).build());

        try (Stream<String> tokens = llm().stream("count forever")) {
            assertThat(tokens.limit(3).toList()).containsExactly("t0 ", "t1 ", "t2 ");
        }

        assertThat(clientLeft.await(10, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
    }

    @Test
    void aStreamWithoutItsEndMarkerIsTruncatedWithThePartialTextAndNotRetried() {
        server.enqueue(ok(truncated(List.of("Half ", "an"))));
        server.enqueue(ok(answer(List.of("must not be fetched"))));
        List<String> seen = new ArrayList<>();

        assertThatThrownBy(() -> {
            try (Stream<String> s = llm().stream("hi")) {
                s.forEach(seen::add);
            }
        }).isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
            assertThat(e.partialText()).isEqualTo("Half an");
            assertThat(e.provider()).isNotBlank();
        });
        assertThat(seen).containsExactly("Half ", "an");
        assertThat(server.getRequestCount()).as("nothing retried after a token").isEqualTo(1);
    }

    @Test
    void aMalformedChunkIsNamedInTheError() {
        String bad = "{\"oops\": [not json";
        server.enqueue(ok(opening("before") + framed(bad)));

        assertThatThrownBy(() -> llm().generate("hi")).isInstanceOfSatisfying(MalformedChunkException.class, e -> {
            assertThat(e.partialText()).isEqualTo("before");
            assertThat(e.getMessage()).contains(bad);
        });
    }

    @Test
    void anErrorSentMidStreamIsTypedWithThePartialTextAndNeverRetried() {
        server.enqueue(ok(opening("par") + token("tial") + midStreamError("Overloaded right now")));
        server.enqueue(ok(answer(List.of("must not be fetched"))));

        assertThatThrownBy(() -> llm().generate("hi")).isInstanceOfSatisfying(LLMException.class, e -> {
            assertThat(e).isInstanceOf(midStreamErrorType());
            assertThat(e.partialText()).isEqualTo("partial");
            assertThat(e.getMessage()).contains("Overloaded right now").doesNotContain(KEY);
            assertThat(e.isRetryable()).as("text was delivered").isFalse();
        });
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aPassingErrorSentBeforeAnyContentIsRetriedAndTheAnswerComesOnce() {
        org.junit.jupiter.api.Assumptions.assumeTrue(midStreamErrorType() != ProviderErrorException.class,
                "the provider names no in-stream error that passes with time");
        List<String> tokens = List.of("Once, ", "only.");
        server.enqueue(ok(preamble() + midStreamError("Overloaded right now")));
        server.enqueue(ok(answer(tokens)));

        try (Stream<String> s = llm().stream("hi")) {
            assertThat(s.toList()).containsExactlyElementsOf(tokens);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 401, 403, 404, 429, 500, 503})
    void httpErrorsAreTypedWithTheProvidersOwnMessage(int status) {
        server.enqueue(error(status, "The provider says no (" + status + ")"));
        LLM llm = llm(b -> b.maxRetries(0));

        assertThatThrownBy(() -> llm.generate("hi")).isInstanceOfSatisfying(LLMException.class, e -> {
            assertThat(e.httpStatus()).hasValue(status);
            assertThat(e.getMessage()).contains("The provider says no (" + status + ")").doesNotContain(KEY);
            assertThat(e.partialText()).isEmpty();
            Class<?> expected = switch (status) {
                case 401, 403 -> AuthenticationException.class;
                case 429 -> RateLimitException.class;
                case 500, 503 -> ServerException.class;
                default -> InvalidRequestException.class;
            };
            assertThat(e).isInstanceOf(expected);
        });
    }

    @Test
    void rateLimitIsRetriedBeforeTheFirstTokenOnly() {
        server.enqueue(error(429, "slow down").newBuilder().setHeader("Retry-After", "0").build());
        server.enqueue(ok(answer(List.of("one ", "answer"))));

        assertThat(llm().generate("hi")).isEqualTo("one answer");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetriedThenThrown() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(error(500, "internal trouble"));
        }
        assertThatThrownBy(() -> llm(b -> b.maxRetries(2)).generate("hi")).isInstanceOf(ServerException.class)
                .hasMessageContaining("internal trouble");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aToolLoopSendsTheResultInTheDocumentedShape() throws Exception {
        server.enqueue(ok(toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")));
        server.enqueue(ok(answer(List.of("Sunny, ", "21 °C."))));
        GenerateOptions options = GenerateOptions.builder().tools(List.of(new ToolSpec("get_weather",
                "Current weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
                .build();
        LLM llm = llm();
        List<ChatMessage> conversation = new ArrayList<>(List.of(ChatMessage.user("Weather in Paris?")));

        try (LLMStream step = llm.open(conversation, options)) {
            step.forEachRemaining(t -> { });
            assertThat(step.toolCalls()).hasSize(1);
            conversation.add(ChatMessage.assistant(step.text(), step.toolCalls()));
            conversation.add(ChatMessage.toolResult(step.toolCalls().get(0).id(), "{\"temperature_c\":21}"));
        }
        assertThat(llm.generate(conversation, options)).isEqualTo("Sunny, 21 °C.");

        server.takeRequest(5, TimeUnit.SECONDS);
        JsonNode second = JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(second).isEqualTo(JSON.readTree(toolLoopSecondRequest()));
    }

    @Test
    void structuredOutputAsksInTheDocumentedShapeAndBindsTheAnswer() throws Exception {
        server.enqueue(ok(structuredAnswer("{\"city\":\"Paris\",\"celsius\":21,\"note\":null}")));

        assertThat(llm().generate("Weather in Paris?", Weather.class)).isEqualTo(new Weather("Paris", 21, null));

        JsonNode body = JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        JsonNode expected = JSON.readTree(structuredRequestFields());
        expected.fieldNames().forEachRemaining(name -> assertThat(body.get(name)).as(name)
                .isEqualTo(expected.get(name)));
    }

    @Test
    void aToolCallIsAssembledIntoOneCompleteCall() throws Exception {
        server.enqueue(ok(toolCall("call_1", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}")));
        GenerateOptions options = GenerateOptions.builder().tools(List.of(new ToolSpec("get_weather",
                "Current weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))).build();

        try (LLMStream answer = llm().open("Weather in Paris?", options)) {
            answer.forEachRemaining(t -> { });
            assertThat(answer.toolCalls()).hasSize(1);
            LLMEvent.ToolCall call = answer.toolCalls().get(0);
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(call.index()).isZero();
            if (sendsToolCallIds()) {
                assertThat(call.id()).isEqualTo("call_1");
            }
            assertThat(JSON.readTree(call.arguments()))
                    .isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"unit\":\"celsius\"}"));
        }
        String body = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        assertThat(body).as("tool sent").contains("get_weather").contains("Current weather");
    }

    @Test
    void thinkingIsNeverAnAnswerToken() {
        server.enqueue(ok(thinkingThenAnswer("Let me think.", "Forty-two.")));
        try (LLMStream answer = llm().open("hi")) {
            List<String> tokens = new ArrayList<>();
            answer.forEachRemaining(tokens::add);
            assertThat(tokens).containsExactly("Forty-two.");
            assertThat(answer.thinking()).isEqualTo("Let me think.");
        }
    }

    // --- bodies that stream over time ---

    @Test
    void aStallMidAnswerFiresTheIdleTimeoutWithThePartialText() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", contentType())
                .body(stallAfter(opening("Hel") + token("lo"))).build());
        Duration idle = Duration.ofMillis(300);
        List<String> seen = new ArrayList<>();
        long start = System.nanoTime();

        assertThatThrownBy(() -> {
            try (Stream<String> s = llm(b -> b.idleTimeout(idle)).stream("hi")) {
                s.forEach(seen::add);
            }
        }).isInstanceOfSatisfying(io.synapsekit.llm.LLMTimeoutException.class, e -> {
            assertThat(e.kind()).isEqualTo(io.synapsekit.llm.LLMTimeoutException.Kind.IDLE);
            assertThat(e.partialText()).isEqualTo("Hello");
        });
        assertThat(seen).containsExactly("Hel", "lo");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(idle, idle.plusSeconds(3));
        assertThat(server.getRequestCount()).as("nothing retried after a token").isEqualTo(1);
    }

    @Test
    void interruptingAReaderBlockedMidAnswerCancelsWithThePartialText() throws Exception {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", contentType())
                .body(stallAfter(opening("Hel") + token("lo"))).build());
        io.synapsekit.llm.LLMStream stream = llm().open("hi");
        assertThat(stream.next()).isEqualTo("Hel");
        assertThat(stream.next()).isEqualTo("lo");
        java.util.concurrent.BlockingQueue<Object> outcome = new java.util.concurrent.ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(stream.hasNext());
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (reader.getState() != Thread.State.WAITING && reader.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("the reader blocks").isLessThan(deadline);
            Thread.onSpinWait();
        }

        reader.interrupt();

        assertThat(outcome.poll(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(
                io.synapsekit.llm.CancelledException.class, e -> assertThat(e.partialText()).isEqualTo("Hello"));
        stream.close();
    }

    /** Streams {@code prefix}, then holds the response open, silent, until the test ends. */
    private MockResponseBody stallAfter(String prefix) {
        CountDownLatch release = new CountDownLatch(1);
        toRelease.add(release);
        return new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(prefix);
                sink.flush();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /**
     * Streams {@code first}, then {@code chunk(1)}, {@code chunk(2)}… until the client goes away (a write fails),
     * then counts {@code clientLeft} down. Bounded so a broken test cannot run forever.
     */
    private MockResponseBody endless(String first, IntFunction<String> chunk, CountDownLatch clientLeft) {
        return new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                try {
                    sink.writeUtf8(first);
                    sink.flush();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    for (int i = 1; System.nanoTime() < deadline; i++) {
                        sink.writeUtf8(chunk.apply(i));
                        sink.flush();
                    }
                } catch (IOException e) {
                    clientLeft.countDown();
                    throw e;
                }
            }
        };
    }
}
