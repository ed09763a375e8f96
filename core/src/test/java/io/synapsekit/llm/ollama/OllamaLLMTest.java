package io.synapsekit.llm.ollama;

import io.synapsekit.testing.TestStreamContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.testing.CapturingTransport;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.ToolSpec;
import io.synapsekit.llm.TruncatedStreamException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request encoding, host resolution and NDJSON decoding of Ollama's chat API, without HTTP. */
class OllamaLLMTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final CapturingTransport NO_NETWORK = new CapturingTransport();

    @Test
    void encodesTheDocumentedRequestWithSamplingInOptions() throws Exception {
        OllamaLLM llm = new OllamaLLM.Builder(name -> null).model("llama3.2").transport(NO_NETWORK).build();
        GenerateOptions options = GenerateOptions.builder().system("Be brief.").temperature(0.2).topP(0.8)
                .maxTokens(64).stop("END").tools(List.of(new ToolSpec("get_weather", "Weather", null)))
                .extraBody("think", true).build();
        TransportRequest request = NO_NETWORK.sent(llm, "Hi", options);

        assertThat(request.uri().toString()).isEqualTo("http://localhost:11434/api/chat");
        assertThat(request.headers()).doesNotContainKey("Authorization");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("model").asText()).isEqualTo("llama3.2");
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Hi");
        assertThat(body.at("/options/temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.at("/options/top_p").asDouble()).isEqualTo(0.8);
        assertThat(body.at("/options/num_predict").asInt()).isEqualTo(64);
        assertThat(body.at("/options/stop/0").asText()).isEqualTo("END");
        assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(body.get("think").asBoolean()).isTrue();
        assertThat(body.has("temperature")).as("sampling goes in options, not top level").isFalse();
    }

    @Test
    void aKeyIsSentAsABearerToken() {
        OllamaLLM llm = new OllamaLLM.Builder(name -> null).baseUrl("https://ollama.com").model("gpt-oss:120b")
                .apiKey("ok-secret").transport(NO_NETWORK).build();
        assertThat(NO_NETWORK.sent(llm, "Hi", GenerateOptions.defaults()).headers())
                .containsEntry("Authorization", List.of("Bearer ok-secret"));
        OllamaCodec codec = new OllamaCodec("https://ollama.com");
        assertThat(codec.notFoundHint("gpt-oss:120b", codec.endpoint("gpt-oss:120b")))
                .contains("ollama pull gpt-oss:120b").contains("https://ollama.com/api/chat");
    }

    @Test
    void theBuilderHonoursOllamaHostUnlessABaseUrlIsSet() {
        OllamaLLM fromEnv = new OllamaLLM.Builder(n -> n.equals("OLLAMA_HOST") ? "gpu-box:11500" : null)
                .model("llama3.2").transport(NO_NETWORK).build();
        assertThat(fromEnv.toString()).contains("http://gpu-box:11500/api/chat");
        OllamaLLM explicit = new OllamaLLM.Builder(n -> n.equals("OLLAMA_HOST") ? "gpu-box:11500" : null)
                .model("llama3.2").baseUrl("http://other:1").transport(NO_NETWORK).build();
        assertThat(explicit.toString()).contains("http://other:1/api/chat");
        assertThat(new OllamaLLM.Builder(n -> null).model("m").transport(NO_NETWORK).build().toString())
                .contains("http://localhost:11434/api/chat");
        assertThatThrownBy(() -> new OllamaLLM.Builder(n -> n.equals("OLLAMA_HOST") ? "ftp://x" : null).model("m")
                .transport(NO_NETWORK).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OLLAMA_HOST");
    }

    @Test
    void aModelIsRequired() {
        assertThatThrownBy(() -> new OllamaLLM.Builder(n -> null).transport(NO_NETWORK).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(".model(");
    }

    // --- decoding ---

    private static String line(String fields) {
        return "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00Z\"," + fields + "}\n";
    }

    private static String token(String text) {
        return line("\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"done\":false");
    }

    private static final String DONE = line("\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":26,\"eval_count\":298");

    private static TestStreamContext decodeAll(InputStream body, TestStreamContext context) throws Exception {
        OllamaStreamDecoder decoder = new OllamaStreamDecoder(body, context);
        while (decoder.next(context::accept)) {
            // read on
        }
        return context;
    }

    @Test
    void everySplitOfTheBodyGivesTheSameEventsWithCrlfAndMultiByteCharacters() throws Exception {
        String wire = token("Hé") + token("🌍 ") + "\r\n" + token("ok").replace("\n", "\r\n") + DONE;
        int length = wire.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= length; cut++) {
            TestStreamContext c = decodeAll(TestStreamContext.split(wire, cut), new TestStreamContext());
            assertThat(c.events).as("cut at %d", cut).containsExactly(new LLMEvent.Token("Hé"),
                    new LLMEvent.Token("🌍 "), new LLMEvent.Token("ok"), new LLMEvent.Finish("stop"),
                    new LLMEvent.Usage(26, 298));
        }
    }

    @Test
    void thinkingAndWholeToolCallsAreTheirOwnEvents() throws Exception {
        String wire = line("\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Hmm.\"},\"done\":false")
                + line("\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":"
                        + "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}},{\"function\":{\"name\":"
                        + "\"get_time\",\"arguments\":{}}}]},\"done\":false")
                + DONE;
        TestStreamContext c = decodeAll(TestStreamContext.body(wire), new TestStreamContext());
        assertThat(c.tokens()).isEmpty();
        assertThat(c.events).startsWith(new LLMEvent.Thinking("Hmm."),
                new LLMEvent.ToolCall(0, "", "get_weather", "{\"city\":\"Paris\"}"),
                new LLMEvent.ToolCall(1, "", "get_time", "{}"));
    }

    @Test
    void aDoneLineWithoutReasonOrCountsReportsNulls() throws Exception {
        TestStreamContext c = decodeAll(TestStreamContext.body(token("a") + line("\"done\":true")), new TestStreamContext());
        assertThat(c.events).containsExactly(new LLMEvent.Token("a"), new LLMEvent.Usage(null, null));
    }

    @Test
    void anErrorLineIsAProviderErrorWithThePartialText() {
        String wire = token("Half") + "{\"error\":\"an error was encountered while running the model\"}\n";
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(wire), new TestStreamContext()))
                .isInstanceOfSatisfying(ProviderErrorException.class, e -> {
                    assertThat(e.partialText()).isEqualTo("Half");
                    assertThat(e.getMessage()).contains("an error was encountered");
                });
    }

    @Test
    void aCleanEndWithoutTheDoneLineIsTruncatedAndSoIsALineCutOff() {
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(token("cut")), new TestStreamContext()))
                .isInstanceOfSatisfying(TruncatedStreamException.class,
                        e -> assertThat(e.partialText()).isEqualTo("cut"));
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(token("cut") + "{\"message\":{\"con"),
                new TestStreamContext())).isInstanceOf(TruncatedStreamException.class).hasMessageContaining("mid-line");
    }

    @Test
    void aMalformedLineIsNamedAndALongLineIsBounded() {
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(token("a") + "not json\n"), new TestStreamContext()))
                .isInstanceOfSatisfying(MalformedChunkException.class,
                        e -> assertThat(e.getMessage()).contains("not json"));
        String huge = token("x".repeat(5000));
        assertThatThrownBy(() -> decodeAll(TestStreamContext.body(huge), new TestStreamContext(1024)))
                .isInstanceOf(MalformedChunkException.class).hasMessageContaining("1024 bytes");
    }
}
