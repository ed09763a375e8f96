package io.synapsekit.internal;

import static io.synapsekit.internal.ScriptedTransport.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failed stream keeps everything it delivered, not only its text: thinking, the tool calls finished and the one
 * still being written (with the arguments so far), and usage where the provider reported it. The error carries
 * it, and the {@link LLMStream} that threw still answers with it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartialResultTest {

    private final ScriptedTransport transport = new ScriptedTransport();

    private AnthropicLLM anthropic() {
        return AnthropicLLM.builder().baseUrl("http://127.0.0.1:9").apiKey("sk-ant-partial").transport(transport)
                .maxRetries(0).build();
    }

    private OpenAILLM openai() {
        return OpenAILLM.builder().baseUrl("http://127.0.0.1:9/v1").apiKey("sk-partial").model("m")
                .transport(transport).maxRetries(0).build();
    }

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    private static String blockDelta(int index, String delta) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":"
                + delta + "}");
    }

    private static String blockStart(int index, String block) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":" + block + "}");
    }

    private static String blockStop(int index) {
        return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    /** Thinks, answers, finishes one tool call and starts a second, then the connection drops. */
    private static final String ANTHROPIC_CUT = event("message_start", "{\"type\":\"message_start\",\"message\":"
            + "{\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":11,"
            + "\"cache_read_input_tokens\":4,\"output_tokens\":1}}}")
            + blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}")
            + blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":\"Two lookups. \"}")
            + blockStop(0)
            + blockStart(1, "{\"type\":\"text\",\"text\":\"\"}")
            + blockDelta(1, "{\"type\":\"text_delta\",\"text\":\"Looking up\"}")
            + blockStop(1)
            + blockStart(2, "{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"weather\",\"input\":{}}")
            + blockDelta(2, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\\\"Paris\\\"}\"}")
            + blockStop(2)
            + blockStart(3, "{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"weather\",\"input\":{}}")
            + blockDelta(3, "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\\\"Ro\"}");

    @Test
    void aTruncatedAnthropicStreamKeepsThinkingToolCallsAndUsage() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(ANTHROPIC_CUT)
                .fail(new IOException("connection reset"));
        transport.then(r -> sse(body));

        LLMStream stream = anthropic().open("weather in Paris and Rome");
        TruncatedStreamException e = catchThrowableOfType(TruncatedStreamException.class, () -> {
            try (stream) {
                stream.forEachRemaining(t -> { });
            }
        });

        assertThat(e.partialText()).isEqualTo("Looking up");
        assertThat(e.partialThinking()).isEqualTo("Two lookups. ");
        assertThat(e.partialToolCalls()).as("the finished call, then the one being written").containsExactly(
                new LLMEvent.ToolCall(0, "toolu_a", "weather", "{\"city\":\"Paris\"}"),
                new LLMEvent.ToolCall(1, "toolu_b", "weather", "{\"city\":\"Ro"));
        assertThat(e.usage()).as("message_start reported the prompt").hasValue(new LLMEvent.Usage(15, 1));
        assertThat(e.partialResult()).isEqualTo(new PartialResult("Looking up", "Two lookups. ", "",
                e.partialToolCalls(), new LLMEvent.Usage(15, 1)));

        assertThat(stream.text()).as("the stream keeps its partial result too").isEqualTo(e.partialText());
        assertThat(stream.thinking()).isEqualTo(e.partialThinking());
        assertThat(stream.toolCalls()).as("only finished calls")
                .containsExactly(new LLMEvent.ToolCall(0, "toolu_a", "weather", "{\"city\":\"Paris\"}"));
        assertThat(stream.usage()).isEqualTo(e.usage());
    }

    @Test
    void anOpenAiErrorChunkMidToolCallKeepsTheCallBeingWritten() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm \"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Sure\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"search\",\"arguments\":\"{\\\"q\\\":\"}}]}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":\"\\\"ja\"}}]}}]}\n\n"
                + "data: {\"error\":{\"message\":\"content policy\",\"type\":\"invalid_request_error\"}}\n\n");
        transport.then(r -> sse(body));

        LLMStream stream = openai().open("search");
        ProviderErrorException e = catchThrowableOfType(ProviderErrorException.class, () -> {
            try (stream) {
                stream.forEachRemaining(t -> { });
            }
        });

        assertThat(e.partialText()).isEqualTo("Sure");
        assertThat(e.partialThinking()).isEqualTo("hmm ");
        assertThat(e.partialToolCalls()).containsExactly(new LLMEvent.ToolCall(0, "call_1", "search", "{\"q\":\"ja"));
        assertThat(e.usage()).isEmpty();
        assertThat(stream.toolCalls()).as("no call was finished").isEmpty();
    }

    @Test
    void aTimeoutAfterOnlyThinkingIsNotRetryableAndKeepsTheThinking() {
        ScriptedTransport.Body body = new ScriptedTransport.Body()
                .feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"deep thought\"}}]}\n\n");
        transport.then(r -> sse(body));

        LLMStream stream = OpenAILLM.builder().baseUrl("http://127.0.0.1:9/v1").apiKey("sk-partial").model("m")
                .transport(transport).idleTimeout(Duration.ofMillis(200)).build().open("think");
        LLMTimeoutException e = catchThrowableOfType(LLMTimeoutException.class, () -> {
            try (stream) {
                stream.forEachRemaining(t -> { });
            }
        });

        assertThat(e.kind()).isEqualTo(LLMTimeoutException.Kind.IDLE);
        assertThat(e.partialText()).isEmpty();
        assertThat(e.partialThinking()).isEqualTo("deep thought");
        assertThat(e.isRetryable()).as("the model had started: not a clean slate").isFalse();
        assertThat(stream.thinking()).isEqualTo("deep thought");
    }

    @Test
    void aTextOnlyPartialResultReportsNothingElse() {
        LLMException e = new LLMException("p", 0, "boom", PartialResult.ofText("half"), null);
        assertThat(e.partialText()).isEqualTo("half");
        assertThat(e.partialThinking()).isEmpty();
        assertThat(e.partialToolCalls()).isEmpty();
        assertThat(e.usage()).isEmpty();
        assertThat(e.partialResult()).isEqualTo(PartialResult.ofText("half"));
        assertThat(new TruncatedStreamException("p", "cut", null, null).partialResult()).isEqualTo(PartialResult.EMPTY);
    }

    @Test
    void aPartialResultIsImmutableAndNeverNull() {
        List<LLMEvent.ToolCall> calls = new java.util.ArrayList<>(List.of(new LLMEvent.ToolCall(0, "a", "f", "{}")));
        PartialResult p = new PartialResult(null, null, null, calls, null);
        calls.clear();
        assertThat(p.text()).isEmpty();
        assertThat(p.thinking()).isEmpty();
        assertThat(p.refusal()).isEmpty();
        assertThat(p.toolCalls()).hasSize(1);
        assertThat(p.usage()).isNull();
        assertThat(p.isEmpty()).isFalse();
        assertThat(PartialResult.EMPTY.isEmpty()).isTrue();
        assertThat(new PartialResult("", "", "", null, new LLMEvent.Usage(1, 0)).isEmpty())
                .as("usage alone is no content").isTrue();
        assertThat(new PartialResult("", "", "I can't", null, null).isEmpty()).isFalse();
    }
}
