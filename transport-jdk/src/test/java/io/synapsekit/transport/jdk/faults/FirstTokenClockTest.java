package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first-token limit measures the wait for any content the model sends (answer text, thinking, a tool call
 * being written, a refusal), not for answer text alone: a model that writes a tool call or thinks at a steady pace
 * for longer than the limit is working, not stalled. Keep-alives and empty opening chunks are not content.
 *
 * <p>Each server paces its chunks {@link #PACE} apart for well over {@link #FIRST_TOKEN}, over real HTTP.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FirstTokenClockTest {

    private static final String KEY = "sk-first-token-1234";
    private static final Duration FIRST_TOKEN = Duration.ofMillis(600);
    private static final Duration PACE = Duration.ofMillis(120);
    /** Chunks sent at {@link #PACE}: together twice the first-token limit. */
    private static final int PACED_CHUNKS = 10;
    private static final Duration SLACK = Duration.ofSeconds(3);

    private FaultServer server;

    @AfterEach
    void noConnectionLeftOpen() throws Exception {
        if (server != null) {
            server.closeVerified();
        }
    }

    private <B extends HttpLLMBuilder<B>> B limits(B builder) {
        return builder.apiKey(KEY).firstTokenTimeout(FIRST_TOKEN).maxRetries(0);
    }

    private LLM openai() {
        return limits(OpenAILLM.builder().baseUrl(server.url() + "/v1").model("gpt-4o-mini")).build();
    }

    private LLM anthropic() {
        return limits(AnthropicLLM.builder().baseUrl(server.url())).build();
    }

    /** Writes {@code chunks} one by one, {@link #PACE} apart (the model's pace, not synchronisation). */
    private static void paced(FaultServer.Exchange x, List<String> chunks)
            throws java.io.IOException, InterruptedException {
        for (String chunk : chunks) {
            TimeUnit.MILLISECONDS.sleep(PACE.toMillis());
            x.write(chunk);
        }
    }

    @Test
    void openAiToolCallDeltasAtASteadyPaceAreFirstTokens() throws Exception {
        List<String> chunks = new ArrayList<>();
        chunks.add(OpenAIWire.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
                + "\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"lookup\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}"));
        List<String> parts = argumentParts();
        for (String part : parts) {
            chunks.add(OpenAIWire.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                    + "\"function\":{\"arguments\":" + OpenAIWire.quote(part) + "}}]}}]}"));
        }
        chunks.add(OpenAIWire.finish("tool_calls") + OpenAIWire.done());
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role());
            paced(x, chunks);
        });
        long start = System.nanoTime();

        try (LLMStream answer = openai().open("look it up")) {
            assertThat(answer.hasNext()).as("no answer text, and no error").isFalse();
            assertThat(answer.toolCalls()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("lookup");
                assertThat(c.arguments()).isEqualTo(String.join("", parts));
            });
            assertThat(answer.finishReason()).contains("tool_calls");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the stream outlasted the limit")
                .isGreaterThan(FIRST_TOKEN);
    }

    @Test
    void openAiReasoningAtASteadyPaceIsAFirstToken() throws Exception {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < PACED_CHUNKS; i++) {
            chunks.add(OpenAIWire.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"r" + i
                    + " \"}}]}"));
        }
        chunks.add(OpenAIWire.token("Done.") + OpenAIWire.finish() + OpenAIWire.done());
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role());
            paced(x, chunks);
        });

        try (LLMStream answer = openai().open("think")) {
            List<String> tokens = new ArrayList<>();
            answer.forEachRemaining(tokens::add);
            assertThat(tokens).containsExactly("Done.");
            assertThat(answer.thinking()).startsWith("r0 r1 ").endsWith("r9 ");
        }
    }

    @Test
    void openAiRefusalAtASteadyPaceIsAFirstToken() throws Exception {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < PACED_CHUNKS; i++) {
            chunks.add(OpenAIWire.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no" + i + " \"}}]}"));
        }
        chunks.add(OpenAIWire.finish() + OpenAIWire.done());
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role());
            paced(x, chunks);
        });

        try (LLMStream answer = openai().open("something forbidden")) {
            assertThat(answer.hasNext()).isFalse();
            assertThat(answer.refusal()).startsWith("no0 no1 ").endsWith("no9 ");
        }
    }

    @Test
    void anthropicThinkingAtASteadyPaceIsAFirstToken() throws Exception {
        List<String> chunks = new ArrayList<>();
        chunks.add(event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"));
        for (int i = 0; i < PACED_CHUNKS; i++) {
            chunks.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"thinking_delta\",\"thinking\":\"step " + i + ". \"}}"));
        }
        chunks.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                        + "{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":\"Forty-two.\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":30}}")
                + event("message_stop", "{\"type\":\"message_stop\"}"));
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(messageStart() + ping());
            paced(x, chunks);
        });

        try (LLMStream answer = anthropic().open("think")) {
            List<String> tokens = new ArrayList<>();
            answer.forEachRemaining(tokens::add);
            assertThat(tokens).containsExactly("Forty-two.");
            assertThat(answer.thinking()).startsWith("step 0. ").endsWith("step 9. ");
        }
    }

    @Test
    void anthropicToolInputAtASteadyPaceIsAFirstToken() throws Exception {
        List<String> chunks = new ArrayList<>();
        chunks.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"lookup\",\"input\":{}}}"));
        List<String> parts = argumentParts();
        for (String part : parts) {
            chunks.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"input_json_delta\",\"partial_json\":" + OpenAIWire.quote(part) + "}}"));
        }
        chunks.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                        + "\"usage\":{\"output_tokens\":30}}")
                + event("message_stop", "{\"type\":\"message_stop\"}"));
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(messageStart() + ping());
            paced(x, chunks);
        });

        try (LLMStream answer = anthropic().open("look it up")) {
            assertThat(answer.hasNext()).isFalse();
            assertThat(answer.toolCalls()).singleElement()
                    .satisfies(c -> assertThat(c.arguments()).isEqualTo(String.join("", parts)));
        }
    }

    @Test
    void anthropicPingsAndAnEmptyTextBlockAreNotAFirstToken() throws Exception {
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(messageStart() + event("content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    x.write(ping());
                    TimeUnit.MILLISECONDS.sleep(PACE.toMillis()); // the server's pace
                }
            } catch (java.net.SocketException gone) {
                // the client left, as it must
            }
        });
        long start = System.nanoTime();

        LLMException e = null;
        try (LLMStream answer = anthropic().open("hi")) {
            answer.hasNext();
        } catch (LLMException thrown) {
            e = thrown;
        }

        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class,
                t -> assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.FIRST_TOKEN));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(FIRST_TOKEN, FIRST_TOKEN.plus(SLACK));
    }

    /** A tool call's JSON arguments in {@link #PACED_CHUNKS} fragments. */
    private static List<String> argumentParts() {
        List<String> parts = new ArrayList<>(List.of("{\"q\":\""));
        for (int i = 0; i < PACED_CHUNKS - 2; i++) {
            parts.add("a");
        }
        parts.add("\"}");
        return parts;
    }

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    private static String messageStart() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
                + "\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}");
    }

    private static String ping() {
        return event("ping", "{\"type\": \"ping\"}");
    }
}
