package io.synapsekit.llm.gemini;

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
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.ToolSpec;
import io.synapsekit.llm.TruncatedStreamException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request encoding and stream decoding of the Gemini API, without HTTP. */
class GeminiLLMTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final CapturingTransport NO_NETWORK = new CapturingTransport();

    private static final GeminiCodec CODEC = new GeminiCodec("https://generativelanguage.googleapis.com/v1beta");
    private static final GeminiLLM GEMINI = new GeminiLLM.Builder(name -> null).apiKey("AIza-secret")
            .transport(NO_NETWORK).build();

    @Test
    void aToolErrorIsAFunctionResponseWithAnErrorKey() throws Exception {
        LLMEvent.ToolCall call = new LLMEvent.ToolCall(0, "", "get_weather", "{}");
        TransportRequest request = NO_NETWORK.sent(GEMINI, List.of(ChatMessage.user("Weather?"),
                ChatMessage.assistant("", List.of(call)), ChatMessage.toolError("", "missing required property $.city")),
                GenerateOptions.defaults());

        assertThat(JSON.readTree(request.body()).at("/contents/2")).isEqualTo(JSON.readTree("""
                {"role":"user","parts":[{"functionResponse":{"name":"get_weather",
                 "response":{"error":"missing required property $.city"}}}]}"""));
    }

    @Test
    void encodesTheDocumentedRequest() throws Exception {
        GenerateOptions options = GenerateOptions.builder().system("Be brief.").temperature(0.3).topP(0.9)
                .maxTokens(100).stop("END").tools(List.of(new ToolSpec("get_weather", "Weather", null)))
                .extraBody("generationConfig", Map.of("thinkingConfig", Map.of("includeThoughts", true)))
                .extraBody("safetySettings", List.of()).build();
        TransportRequest request = NO_NETWORK.sent(GEMINI, List.of(ChatMessage.system("In French."),
                ChatMessage.user("Hi"), ChatMessage.assistant("Salut"), ChatMessage.user("Weather?")), options);

        assertThat(request.uri().toString()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/"
                + "gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(request.headers()).containsEntry("x-goog-api-key", List.of("AIza-secret"));
        assertThat(request.uri().toString()).doesNotContain("AIza-secret");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.at("/systemInstruction/parts/0/text").asText()).isEqualTo("Be brief.\n\nIn French.");
        assertThat(body.get("contents")).hasSize(3);
        assertThat(body.at("/contents/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/contents/1/role").asText()).isEqualTo("model");
        assertThat(body.at("/contents/1/parts/0/text").asText()).isEqualTo("Salut");
        assertThat(body.at("/generationConfig/temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.at("/generationConfig/topP").asDouble()).isEqualTo(0.9);
        assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(100);
        assertThat(body.at("/generationConfig/stopSequences/0").asText()).isEqualTo("END");
        assertThat(body.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean()).as("merged").isTrue();
        assertThat(body.at("/tools/0/functionDeclarations/0/name").asText()).isEqualTo("get_weather");
        assertThat(body.get("safetySettings").isArray()).isTrue();
    }

    @Test
    void theModelOverrideChangesTheUrl() {
        assertThat(NO_NETWORK.sent(GEMINI, "Hi", GenerateOptions.builder().model("gemini-2.5-pro").build()).uri()
                .getPath())
                .isEqualTo("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
        assertThat(CODEC.endpoint("tunedModels/my-model").getPath())
                .isEqualTo("/v1beta/tunedModels/my-model:streamGenerateContent");
    }

    @Test
    void aModelNameCannotChangeTheUrlsQueryOrMethod() {
        var uri = CODEC.endpoint("evil?key=x#frag:generateContent");
        assertThat(uri.getRawPath()).isEqualTo("/v1beta/models/evil%3Fkey%3Dx%23frag%3AgenerateContent"
                + ":streamGenerateContent");
        assertThat(uri.getQuery()).isEqualTo("alt=sse");
        assertThat(uri.getFragment()).isNull();
        assertThat(CODEC.endpoint("models/gemini-2.5-flash").getRawPath())
                .isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    }

    @Test
    void theKeyComesFromGeminiApiKeyThenGoogleApiKey() {
        assertThatThrownBy(() -> new GeminiLLM.Builder(n -> null).transport(NO_NETWORK).build())
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.getMessage()).contains("GEMINI_API_KEY").contains("GOOGLE_API_KEY"));
        assertThat(new GeminiLLM.Builder(n -> n.equals("GOOGLE_API_KEY") ? "g" : null).transport(NO_NETWORK)
                .build().model()).isEqualTo("gemini-2.5-flash");
    }

    // --- decoding ---

    private static String chunk(String candidate, String usage) {
        return "data: {\"candidates\":[" + candidate + "]" + (usage == null ? "" : ",\"usageMetadata\":" + usage)
                + ",\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n";
    }

    private static String text(String t, String finish) {
        return "{\"content\":{\"parts\":[{\"text\":\"" + t + "\"}],\"role\":\"model\"},\"index\":0"
                + (finish == null ? "" : ",\"finishReason\":\"" + finish + "\"") + "}";
    }

    private static TestStreamContext decodeAll(InputStream body, TestStreamContext context) throws Exception {
        GeminiStreamDecoder decoder = new GeminiStreamDecoder(body, context);
        while (decoder.next(context::accept)) {
            // read on
        }
        return context;
    }

    @Test
    void everySplitOfACrlfBodyGivesTheSameEvents() throws Exception {
        String wire = chunk("{\"content\":{\"parts\":[{\"text\":\"Plan.\",\"thought\":true}],\"role\":\"model\"},"
                + "\"index\":0}", null)
                + chunk(text("Hé", null), "{\"promptTokenCount\":8}")
                + chunk(text("llo 🌍", "STOP"), "{\"promptTokenCount\":8,\"candidatesTokenCount\":4,"
                        + "\"thoughtsTokenCount\":20,\"totalTokenCount\":32}");
        int length = wire.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            assertThat(decodeAll(TestStreamContext.split(wire, cut), new TestStreamContext()).events).as("cut at %d", cut)
                    .containsExactly(new LLMEvent.Thinking("Plan."), new LLMEvent.Token("Hé"),
                            new LLMEvent.Token("llo 🌍"), new LLMEvent.Finish("STOP"),
                            new LLMEvent.Usage(8, 24));
        }
    }

    @Test
    void theEndOfTheBodyBeforeAFinishReasonIsTruncated() {
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(chunk(text("cut", null), null)), new TestStreamContext()))
                .isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                    assertThat(e.partialText()).isEqualTo("cut");
                    assertThat(e.getMessage()).contains("finishReason");
                });
    }

    @Test
    void maxTokensIsAnOrdinaryFinishButRecitationIsATypedError() throws Exception {
        assertThat(decodeAll(TestStreamContext.body(chunk(text("long", "MAX_TOKENS"), null)), new TestStreamContext()).events)
                .containsExactly(new LLMEvent.Token("long"), new LLMEvent.Finish("MAX_TOKENS"));
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(chunk(text("Once", null), null)
                + chunk("{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":\"RECITATION\",\"index\":0}",
                        null)), new TestStreamContext()))
                .isInstanceOfSatisfying(ProviderErrorException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("RECITATION");
                    assertThat(e.partialText()).isEqualTo("Once");
                });
    }

    @Test
    void functionCallsAreWholeToolCallsAndOtherPartsRaw() throws Exception {
        String wire = chunk("{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":"
                + "{\"city\":\"Paris\"}}},{\"executableCode\":{\"code\":\"1\"}}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}", null);
        TestStreamContext c = decodeAll(TestStreamContext.body(wire), new TestStreamContext());
        assertThat(c.events).containsExactly(new LLMEvent.ToolCall(0, "", "get_weather", "{\"city\":\"Paris\"}"),
                new LLMEvent.Raw("part", "{\"executableCode\":{\"code\":\"1\"}}"), new LLMEvent.Finish("STOP"));
    }

    @Test
    void anErrorChunkIsTypedByItsNatureWithThePartialText() {
        String wire = chunk(text("a", null), null)
                + "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"
                + "\r\n\r\n";
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(wire), new TestStreamContext()))
                .isInstanceOfSatisfying(io.synapsekit.llm.ServerException.class, e -> {
                    assertThat(e.getMessage()).contains("The model is overloaded.").contains("UNAVAILABLE");
                    assertThat(e.isRetryable()).as("text was delivered").isFalse();
                    assertThat(e.partialText()).isEqualTo("a");
                });
        String limited = "data: {\"error\":{\"code\":429,\"message\":\"Quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}\r\n\r\n";
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(limited), new TestStreamContext()))
                .isInstanceOfSatisfying(io.synapsekit.llm.RateLimitException.class,
                        e -> assertThat(e.isRetryable()).as("nothing delivered").isTrue());
        String invalid = "data: {\"error\":{\"code\":400,\"message\":\"Bad\",\"status\":\"INVALID_ARGUMENT\"}}\r\n\r\n";
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(invalid), new TestStreamContext()))
                .isInstanceOfSatisfying(ProviderErrorException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("INVALID_ARGUMENT");
                    assertThat(e.isRetryable()).isFalse();
                });
    }
}
