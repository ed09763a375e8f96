package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A provider may report a passing failure (overloaded, rate limited, a server error) inside a stream whose status
 * was 200. Before any content reached the caller, that is as safe to retry as a 503 before the headers, and it is
 * retried with the same budget and back-off; once content reached the caller it never is, and the typed error
 * carries the partial result. Played over real HTTP by a scripted server that counts the requests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InStreamRetryTest {

    private static final String KEY = "sk-in-stream-5150";

    private FaultServer server;

    @AfterEach
    void noConnectionLeftOpen() throws Exception {
        if (server != null) {
            server.closeVerified();
        }
    }

    private <B extends HttpLLMBuilder<B>> B fast(B builder) {
        return builder.apiKey(KEY).retryDelays(Duration.ofMillis(1), Duration.ofMillis(10));
    }

    private OpenAILLM.Builder openai() {
        return fast(OpenAILLM.builder().baseUrl(server.url() + "/v1").model("gpt-4o-mini"));
    }

    private AnthropicLLM.Builder anthropic() {
        return fast(AnthropicLLM.builder().baseUrl(server.url()));
    }

    // --- Anthropic ---

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    private static final String MESSAGE_START = event("message_start", "{\"type\":\"message_start\",\"message\":"
            + "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude\","
            + "\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}") + event("ping", "{\"type\":\"ping\"}");

    private static String anthropicText(String text) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":" + OpenAIWire.quote(text) + "}}");
    }

    private static String anthropicError(String type) {
        return event("error", "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"Trouble ("
                + type + ")\"}}");
    }

    private static String anthropicAnswer(String... tokens) {
        StringBuilder s = new StringBuilder(MESSAGE_START).append(event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (String t : tokens) {
            s.append(anthropicText(t));
        }
        return s.append(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"))
                .append(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":" + tokens.length + "}}"))
                .append(event("message_stop", "{\"type\":\"message_stop\"}")).toString();
    }

    /** Reads {@code llm}'s answer to the end; returns its tokens. */
    private static List<String> tokens(LLM llm) {
        List<String> tokens = new ArrayList<>();
        try (LLMStream answer = llm.open("hi")) {
            answer.forEachRemaining(tokens::add);
        }
        return tokens;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"overloaded_error", "api_error", "rate_limit_error"})
    void anAnthropicErrorEventBeforeAnyContentIsRetried(String type) throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(x.index == 0
                ? MESSAGE_START + anthropicError(type)
                : anthropicAnswer("Hel", "lo")));

        assertThat(tokens(anthropic().build())).as("exactly one answer, nothing twice").containsExactly("Hel", "lo");
        assertThat(server.requests()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"overloaded_error, ServerException", "api_error, ServerException",
            "rate_limit_error, RateLimitException"})
    void anAnthropicErrorEventEveryTimeUsesUpTheBudgetAndIsTypedByItsNature(String type, String expected)
            throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(MESSAGE_START + anthropicError(type)));

        LLMException e = catchThrowableOfType(LLMException.class, () -> tokens(anthropic().maxRetries(2).build()));

        assertThat(e.getClass().getSimpleName()).isEqualTo(expected);
        assertThat(e.isRetryable()).as("nothing was delivered").isTrue();
        assertThat(e.partialText()).isEmpty();
        assertThat(e.httpStatus()).as("the status was 200; the error came inside the stream").isEmpty();
        assertThat(e.getMessage()).contains("Trouble (" + type + ")").doesNotContain(KEY);
        assertThat(server.requests()).as("the first attempt and two retries").isEqualTo(3);
    }

    @Test
    void anAnthropicErrorEventAfterATokenIsNeverRetried() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(MESSAGE_START
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"text\",\"text\":\"\"}}")
                + anthropicText("Half") + anthropicError("overloaded_error")));
        List<String> seen = new ArrayList<>();

        ServerException e = catchThrowableOfType(ServerException.class, () -> {
            try (LLMStream answer = anthropic().build().open("hi")) {
                answer.forEachRemaining(seen::add);
            }
        });

        assertThat(seen).containsExactly("Half");
        assertThat(e.partialText()).isEqualTo("Half");
        assertThat(e.isRetryable()).as("content was delivered: sending again would repeat it").isFalse();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aNonRetryableAnthropicErrorEventIsNotRetried() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream")
                .write(MESSAGE_START + anthropicError("invalid_request_error")));

        ProviderErrorException e = catchThrowableOfType(ProviderErrorException.class,
                () -> tokens(anthropic().build()));

        assertThat(e.errorType()).isEqualTo("invalid_request_error");
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void thinkingIsContentSoAnErrorAfterItIsNotRetried() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(MESSAGE_START
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"thinking\",\"thinking\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"thinking_delta\",\"thinking\":\"Hmm.\"}}")
                + anthropicError("overloaded_error")));

        ServerException e = catchThrowableOfType(ServerException.class, () -> tokens(anthropic().build()));

        assertThat(e.partialThinking()).isEqualTo("Hmm.");
        assertThat(server.requests()).isEqualTo(1);
    }

    // --- OpenAI and compatibles ---

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"message\":\"The server had an error\",\"type\":\"server_error\"}",
            "{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}",
            "{\"code\":502,\"message\":\"Provider returned error\"}",
            "{\"message\":\"Service unavailable\",\"type\":\"service_unavailable_error\",\"code\":503}"})
    void anOpenAiErrorChunkBeforeAnyContentIsRetried(String error) throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(x.index == 0
                ? OpenAIWire.role() + OpenAIWire.chunk("{\"error\":" + error + "}")
                : OpenAIWire.answer("one ", "answer")));

        assertThat(tokens(openai().build())).containsExactly("one ", "answer");
        assertThat(server.requests()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"message\":\"The server had an error\",\"type\":\"server_error\"}|ServerException",
            "{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}|RateLimitException",
            "{\"message\":\"Bad input\",\"type\":\"invalid_request_error\"}|ProviderErrorException",
            "{\"message\":\"Quota exceeded\",\"type\":\"insufficient_quota\"}|ProviderErrorException"})
    void anOpenAiErrorChunkIsTypedByItsNature(String error, String expected) throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream")
                .write(OpenAIWire.role() + OpenAIWire.chunk("{\"error\":" + error + "}")));

        LLMException e = catchThrowableOfType(LLMException.class, () -> tokens(openai().maxRetries(1).build()));

        assertThat(e.getClass().getSimpleName()).isEqualTo(expected);
        assertThat(server.requests()).isEqualTo(expected.equals("ProviderErrorException") ? 1 : 2);
    }

    @Test
    void aToolCallBeingWrittenIsContentSoAnErrorAfterItIsNotRetried() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(OpenAIWire.role()
                + OpenAIWire.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]}}]}")
                + OpenAIWire.chunk("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}")));

        ServerException e = catchThrowableOfType(ServerException.class, () -> tokens(openai().build()));

        assertThat(e.partialToolCalls()).hasSize(1);
        assertThat(e.isRetryable()).isFalse();
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aJsonErrorBodyWithStatus200IsRetriedToo() throws Exception {
        server = new FaultServer(x -> {
            if (x.index == 0) {
                x.headers(200, "application/json").write("{\"error\":{\"message\":\"model overloaded\","
                        + "\"type\":\"server_error\"}}");
            } else {
                x.headers(200, "text/event-stream").write(OpenAIWire.answer("ok"));
            }
        });

        assertThat(openai().build().generate("hi")).isEqualTo("ok");
        assertThat(server.requests()).isEqualTo(2);
    }

    /** A 503 before the headers, then an error inside a 200 stream, then an answer. */
    private FaultServer failingTwiceThenAnswering() throws java.io.IOException {
        String inStream = OpenAIWire.role()
                + OpenAIWire.chunk("{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}");
        return new FaultServer(x -> {
            switch (x.index) {
                case 0 -> x.headers(503, "application/json", "Content-Length: 2").write("{}");
                case 1 -> x.headers(200, "text/event-stream").write(inStream);
                default -> x.headers(200, "text/event-stream").write(OpenAIWire.answer("third ", "time"));
            }
        });
    }

    @Test
    void theBudgetIsSharedWithFailuresBeforeTheHeaders() throws Exception {
        server = failingTwiceThenAnswering();

        ServerException e = catchThrowableOfType(ServerException.class,
                () -> tokens(openai().maxRetries(1).build()));

        assertThat(e.httpStatus()).as("the in-stream error, of the last attempt").isEmpty();
        assertThat(server.requests()).as("one retry in all, before or after the headers").isEqualTo(2);
    }

    @Test
    void aRetryInsideTheStreamMayBeFollowedByRetriesBeforeTheHeaders() throws Exception {
        server = failingTwiceThenAnswering();

        assertThat(tokens(openai().maxRetries(2).build())).containsExactly("third ", "time");
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void theRetryHonoursTheBackOffAndCloseWakesItsWait() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream")
                .write(OpenAIWire.role() + OpenAIWire.chunk("{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}")));
        LLMStream stream = openai().retryDelays(Duration.ofSeconds(20), Duration.ofSeconds(20)).build().open("hi");
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            started.countDown();
            try {
                outcome.add(stream.hasNext());
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        });
        started.await();
        // Only a reader waiting out the back-off proves the error was read and judged retryable; a close while
        // it still waits for the error would end the stream on any version.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!inBackOff(reader)) {
            assertThat(System.nanoTime()).as("the reader waits out the back-off").isLessThan(deadline);
            assertThat(outcome).as("the stream must not end before its retry").isEmpty();
            Thread.onSpinWait();
        }
        long closedAt = System.nanoTime();

        stream.close();

        assertThat(outcome.poll(5, TimeUnit.SECONDS)).as("closed: an end, not an error").isEqualTo(false);
        assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.requests()).as("no retry was sent after the close").isEqualTo(1);
    }

    /** Whether {@code reader} is waiting out a retry's back-off in the event stream. */
    private static boolean inBackOff(Thread reader) {
        return java.util.Arrays.stream(reader.getStackTrace()).anyMatch(
                f -> f.getClassName().endsWith("HttpEventStream") && f.getMethodName().equals("awaitBackOff"));
    }
}
