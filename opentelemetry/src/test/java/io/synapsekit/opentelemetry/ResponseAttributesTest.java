package io.synapsekit.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.gemini.GeminiLLM;
import io.synapsekit.llm.ollama.OllamaLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code gen_ai.response.id} and {@code gen_ai.response.model}, read from each provider's stream as its
 * documentation shows it, served by a loopback mock server through the JDK transport.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResponseAttributesTest {

    private static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");

    private final MockWebServer server = new MockWebServer();
    private final Telemetry telemetry = new Telemetry();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        telemetry.close();
    }

    private String baseUrl() {
        return server.url("/").toString().replaceAll("/$", "");
    }

    private static MockResponse body(String contentType, String body) {
        return new MockResponse.Builder().setHeader("Content-Type", contentType).body(body).build();
    }

    private void assertResponse(String span, String id, String model) {
        Attributes a = telemetry.span(span).getAttributes();
        assertThat(a.get(RESPONSE_ID)).isEqualTo(id);
        assertThat(a.get(RESPONSE_MODEL)).isEqualTo(model);
        assertThat(telemetry.histogram("gen_ai.client.operation.duration")).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(RESPONSE_MODEL)).as("on the metrics too")
                        .isEqualTo(model));
    }

    @Test
    void openAiChunksNameTheResponseIdAndModel() {
        // Chat Completions' streaming example: every chunk repeats the id and the dated model.
        String chunk = "{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,";
        server.enqueue(body("text/event-stream",
                "data: " + chunk + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                        + "data: " + chunk + "\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                        + "data: " + chunk + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: [DONE]\n\n"));
        LLM llm = OpenAILLM.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-test").model("gpt-4o-mini")
                .listener(telemetry.listener).build();

        assertThat(llm.generate("hi")).isEqualTo("Hello");

        assertResponse("chat gpt-4o-mini", "chatcmpl-123", "gpt-4o-mini-2024-07-18");
    }

    @Test
    void anthropicsMessageStartNamesTheResponseIdAndModel() {
        server.enqueue(body("text/event-stream", """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: ping
                data: {"type": "ping"}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

                event: message_stop
                data: {"type":"message_stop"}

                """));
        LLM llm = AnthropicLLM.builder().baseUrl(baseUrl()).apiKey("sk-ant-test").model("claude-sonnet-4-5")
                .listener(telemetry.listener).build();

        assertThat(llm.generate("hi")).isEqualTo("Hello");

        assertResponse("chat claude-sonnet-4-5", "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
                "claude-sonnet-4-5-20250929");
    }

    @Test
    void geminiChunksNameTheResponseIdAndModelVersion() {
        server.enqueue(body("text/event-stream", """
                data: {"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 4,"candidatesTokenCount": 1,"totalTokenCount": 5},"modelVersion": "gemini-2.5-flash-001","responseId": "Xn1TaLrfK8ryvdIP3eCgkQw"}

                data: {"candidates": [{"content": {"parts": [{"text": "lo"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 4,"candidatesTokenCount": 2,"totalTokenCount": 6},"modelVersion": "gemini-2.5-flash-001","responseId": "Xn1TaLrfK8ryvdIP3eCgkQw"}

                """));
        LLM llm = GeminiLLM.builder().baseUrl(baseUrl() + "/v1beta").apiKey("gemini-test").model("gemini-2.5-flash")
                .listener(telemetry.listener).build();

        assertThat(llm.generate("hi")).isEqualTo("Hello");

        assertResponse("chat gemini-2.5-flash", "Xn1TaLrfK8ryvdIP3eCgkQw", "gemini-2.5-flash-001");
    }

    @Test
    void ollamaLinesNameTheModelAndNoId() {
        server.enqueue(body("application/x-ndjson", """
                {"model":"llama3.2:latest","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"Hello"},"done":false}
                {"model":"llama3.2:latest","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}
                """));
        LLM llm = OllamaLLM.builder().baseUrl(baseUrl()).model("llama3.2").listener(telemetry.listener).build();

        assertThat(llm.generate("hi")).isEqualTo("Hello");

        assertResponse("chat llama3.2", null, "llama3.2:latest");
    }
}
