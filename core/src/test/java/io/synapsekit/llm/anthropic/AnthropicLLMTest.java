package io.synapsekit.llm.anthropic;

import io.synapsekit.testing.TestStreamContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.testing.CapturingTransport;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.ToolSpec;
import io.synapsekit.llm.TruncatedStreamException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Request encoding and stream decoding of Anthropic's Messages API, without HTTP. */
class AnthropicLLMTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A transport that records what clients would send, and never sends. */
    static final CapturingTransport NO_NETWORK = new CapturingTransport();

    private static AnthropicLLM llm(UnaryOperator<AnthropicLLM.Builder> settings) {
        return settings.apply(new AnthropicLLM.Builder(name -> null).apiKey("sk-ant-secret").transport(NO_NETWORK))
                .build();
    }

    private static TransportRequest sent(List<ChatMessage> messages, GenerateOptions options) {
        return NO_NETWORK.sent(llm(b -> b), messages, options);
    }

    private static JsonNode body(TransportRequest request) throws Exception {
        return JSON.readTree(request.body());
    }

    @Test
    void aToolErrorIsAToolResultMarkedIsError() throws Exception {
        LLMEvent.ToolCall call = new LLMEvent.ToolCall(0, "toolu_1", "get_weather", "{}");
        TransportRequest request = sent(List.of(ChatMessage.user("Weather?"), ChatMessage.assistant("", List.of(call)),
                ChatMessage.toolError("toolu_1", "missing required property $.city")), GenerateOptions.defaults());

        assertThat(JSON.readTree(request.body()).at("/messages/2")).isEqualTo(JSON.readTree("""
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
                 "content":"missing required property $.city","is_error":true}]}"""));
    }

    @Test
    void encodesTheDocumentedRequest() throws Exception {
        GenerateOptions options = GenerateOptions.builder().system("Be brief.").temperature(0.5).topP(0.9)
                .stop("END").tools(List.of(new ToolSpec("get_weather", "Weather now",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}")))
                .extraBody("thinking", Map.of("type", "enabled", "budget_tokens", 1024)).build();
        TransportRequest request = sent(List.of(ChatMessage.system("Answer in French."),
                ChatMessage.user("Hi"), ChatMessage.assistant("Bonjour"), ChatMessage.user("Weather?")), options);

        assertThat(request.uri().toString()).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(request.headers()).containsEntry("x-api-key", List.of("sk-ant-secret"))
                .containsEntry("anthropic-version", List.of("2023-06-01"))
                .doesNotContainKey("Authorization");
        JsonNode body = body(request);
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.get("max_tokens").asInt()).as("required by Anthropic").isEqualTo(4096);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("system").asText()).isEqualTo("Be brief.\n\nAnswer in French.");
        assertThat(body.get("messages")).hasSize(3);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Bonjour");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.at("/stop_sequences/0").asText()).isEqualTo("END");
        assertThat(body.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(body.at("/tools/0/input_schema/properties/city/type").asText()).isEqualTo("string");
        assertThat(body.at("/thinking/budget_tokens").asInt()).isEqualTo(1024);
        assertThat(request.toString()).doesNotContain("sk-ant-secret");
    }

    @Test
    void requestMaxTokensAndModelOverrideTheDefaults() throws Exception {
        JsonNode body = body(sent(List.of(ChatMessage.user("Hi")),
                GenerateOptions.builder().maxTokens(50).model("claude-haiku-4-5").build()));
        assertThat(body.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(body.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(body.has("system")).isFalse();
    }

    @Test
    void headersSetOnTheBuilderReplaceTheDefaults() {
        TransportRequest request = NO_NETWORK.sent(llm(b -> b.header("Anthropic-Version", "2099-01-01")
                .header("anthropic-beta", "x")), "Hi", GenerateOptions.defaults());
        assertThat(request.headers()).containsEntry("Anthropic-Version", List.of("2099-01-01"))
                .doesNotContainKey("anthropic-version").containsEntry("anthropic-beta", List.of("x"));
    }

    @Test
    void aConversationWithoutTurnsIsRejected() {
        assertThatThrownBy(() -> sent(List.of(ChatMessage.system("only")), GenerateOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildingWithoutAKeyNamesTheVariable() {
        assertThatThrownBy(() -> new AnthropicLLM.Builder(name -> null).build())
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.getMessage()).contains("ANTHROPIC_API_KEY").contains(".apiKey("));
        assertThat(new AnthropicLLM.Builder(name -> name.equals("ANTHROPIC_API_KEY") ? "k" : null)
                .transport(NO_NETWORK).build().model()).isEqualTo(AnthropicLLM.DEFAULT_MODEL);
        assertThatThrownBy(() -> new AnthropicLLM.Builder(name -> null).maxTokens(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- decoding ---

    static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    private static final String START = event("message_start", "{\"type\":\"message_start\",\"message\":{"
            + "\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"m\","
            + "\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":1000,"
            + "\"output_tokens\":1}}}");
    private static final String TEXT_START = event("content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

    static String text(String t) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{"
                + "\"type\":\"text_delta\",\"text\":\"" + t + "\"}}");
    }

    private static final String END = event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");

    private static TestStreamContext decodeAll(InputStream body, TestStreamContext context) throws Exception {
        AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(body, context);
        while (decoder.next(context::accept)) {
            // read on
        }
        return context;
    }

    @Test
    void pingsAreSkippedAndUnknownEventsPassedOnRaw() throws Exception {
        String wire = START + event("ping", "{\"type\": \"ping\"}") + TEXT_START + text("Hel")
                + event("future_event", "{\"type\":\"future_event\",\"x\":1}") + text("lo") + END;
        TestStreamContext c = decodeAll(TestStreamContext.body(wire), new TestStreamContext());

        assertThat(c.tokens()).containsExactly("Hel", "lo");
        assertThat(c.events).filteredOn(e -> e instanceof LLMEvent.Raw)
                .containsExactly(new LLMEvent.Raw("future_event", "{\"type\":\"future_event\",\"x\":1}"));
        assertThat(c.events).endsWith(new LLMEvent.Finish("end_turn"), new LLMEvent.Usage(1125, 15));
    }

    @Test
    void everySplitOfTheBodyGivesTheSameEvents() throws Exception {
        String wire = START + TEXT_START + text("h\\u00e9") + text("🌍") + END;
        List<LLMEvent> expected = decodeAll(TestStreamContext.body(wire), new TestStreamContext()).events;
        int length = wire.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            assertThat(decodeAll(TestStreamContext.split(wire, cut), new TestStreamContext()).events).as("cut at %d", cut)
                    .isEqualTo(expected);
        }
        assertThat(expected).startsWith(new LLMEvent.Token("hé"), new LLMEvent.Token("🌍"));
    }

    @Test
    void anErrorEventIsTypedByItsNatureWithThePartialText() {
        String wire = START + TEXT_START + text("Half") + event("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(wire), new TestStreamContext()))
                .isInstanceOfSatisfying(io.synapsekit.llm.ServerException.class, e -> {
                    assertThat(e.getMessage()).contains("Overloaded").contains("overloaded_error");
                    assertThat(e.partialText()).isEqualTo("Half");
                    assertThat(e.isRetryable()).as("text was delivered").isFalse();
                });
        String invalid = START + event("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Bad\"}}");
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(invalid), new TestStreamContext()))
                .isInstanceOfSatisfying(ProviderErrorException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("invalid_request_error");
                    assertThat(e.isRetryable()).isFalse();
                });
    }

    @Test
    void toolUseIsAssembledAtItsBlockStopAndThinkingIsNotAnswerText() throws Exception {
        String wire = START
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"thinking\",\"thinking\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"thinking_delta\",\"thinking\":\"I should call it.\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"signature_delta\",\"signature\":\"sig\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Pa\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"ris\\\"}\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                        + "\"usage\":{\"output_tokens\":40}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
        TestStreamContext c = decodeAll(TestStreamContext.body(wire), new TestStreamContext());

        assertThat(c.tokens()).isEmpty();
        assertThat(c.events).contains(new LLMEvent.Thinking("I should call it."),
                new LLMEvent.ToolCallDelta(0, "toolu_1", "get_weather", ""),
                new LLMEvent.ToolCall(0, "toolu_1", "get_weather", "{\"city\": \"Paris\"}"),
                new LLMEvent.Finish("tool_use"));
        assertThat(c.events).filteredOn(e -> e instanceof LLMEvent.Raw r && r.type().equals("content_block_delta"))
                .as("signature passed on").hasSize(1);
    }

    @Test
    void aStreamEndingBeforeMessageStopIsTruncated() {
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(START + TEXT_START + text("cut")), new TestStreamContext()))
                .isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                    assertThat(e.partialText()).isEqualTo("cut");
                    assertThat(e.getMessage()).contains("message_stop");
                });
    }

    @Test
    void aMalformedEventIsNamed() {
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(START + event("content_block_delta", "{oops")),
                new TestStreamContext())).isInstanceOfSatisfying(MalformedChunkException.class,
                        e -> assertThat(e.getMessage()).contains("content_block_delta").contains("{oops"));
    }
}
