package io.synapsekit.llm.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.InvalidRequestException;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.ollama.OllamaLLM;
import java.util.List;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/**
 * {@link OllamaLLM} against {@code /api/chat} transcripts written from Ollama's API documentation: one JSON
 * object per line, the last with {@code "done": true} and the counts.
 */
class OllamaConformanceTest extends LLMConformanceTest {

    private static final String HEAD = "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00.000Z\",";

    @Override
    protected LLM newLLM(String baseUrl, Consumer<HttpLLMBuilder<?>> settings) {
        OllamaLLM.Builder b = OllamaLLM.builder().model("llama3.2").baseUrl(baseUrl).apiKey(KEY);
        settings.accept(b);
        return b.build();
    }

    @Override
    protected String keyHeader() {
        return "Authorization";
    }

    @Override
    protected String expectedPath() {
        return "/api/chat";
    }

    @Override
    protected String contentType() {
        return "application/x-ndjson";
    }

    @Override
    protected boolean sendsToolCallIds() {
        return false;
    }

    @Override
    protected String framed(String payload) {
        return payload + "\n";
    }

    private static String message(String fields) {
        return HEAD + "\"message\":{\"role\":\"assistant\"," + fields + "},\"done\":false}\n";
    }

    @Override
    protected String token(String text) {
        return message("\"content\":" + quote(text));
    }

    private static String done(String reason, int evalCount) {
        return HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"" + reason + "\","
                + "\"done\":true,\"total_duration\":4883583458,\"load_duration\":1334875,\"prompt_eval_count\":"
                + PROMPT_TOKENS + ",\"prompt_eval_duration\":342546000,\"eval_count\":" + evalCount
                + ",\"eval_duration\":4535599000}\n";
    }

    @Override
    protected String answer(List<String> tokens) {
        return truncated(tokens) + done("stop", tokens.size());
    }

    @Override
    protected String opening(String firstToken) {
        return token(firstToken);
    }

    @Override
    protected String truncated(List<String> tokens) {
        StringBuilder s = new StringBuilder();
        tokens.forEach(t -> s.append(token(t)));
        return s.toString();
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    @Override
    protected Class<? extends io.synapsekit.llm.LLMException> midStreamErrorType() {
        return io.synapsekit.llm.ProviderErrorException.class; // Ollama's in-stream errors are text, untyped
    }

    @Override
    protected String midStreamError(String message) {
        return "{\"error\":" + quote(message) + "}\n";
    }

    @Override
    protected String toolCall(String id, String name, String arguments) {
        return message("\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"" + name + "\",\"arguments\":"
                + arguments + "}}]") + done("stop", 20);
    }

    @Override
    protected String thinkingThenAnswer(String thinking, String answer) {
        return message("\"content\":\"\",\"thinking\":" + quote(thinking)) + token(answer) + done("stop", 30);
    }

    @Test
    void aMissingModelIsAClearErrorNamingTheModel() {
        server.enqueue(new MockResponse.Builder().code(404).setHeader("Content-Type", "application/json")
                .body("{\"error\":\"model \\\"llama3.2\\\" not found, try pulling it first\"}").build());

        assertThatThrownBy(() -> llm().generate("hi")).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.getMessage()).contains("not found, try pulling it first")
                        .contains("ollama pull llama3.2"));
    }

    @Override
    protected String toolLoopSecondRequest() {
        return """
                {"model":"llama3.2",
                 "messages":[
                   {"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":"","tool_calls":[
                     {"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},
                   {"role":"tool","content":"{\\"temperature_c\\":21}","tool_name":"get_weather"}],
                 "stream":true,
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
                """;
    }

    @Override
    protected String structuredRequestFields() {
        return """
                {"format":{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"},
                   "note":{"type":"string"}},"required":["city","celsius"],"additionalProperties":false}}
                """;
    }
}
