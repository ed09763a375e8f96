package io.synapsekit.llm.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.gemini.GeminiLLM;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link GeminiLLM} against {@code streamGenerateContent?alt=sse} transcripts written from the Gemini API
 * reference: CRLF line ends, each event a whole {@code GenerateContentResponse}, no end sentinel, the last chunk
 * carrying {@code finishReason} and {@code usageMetadata}.
 */
class GeminiConformanceTest extends LLMConformanceTest {

    @Override
    protected LLM newLLM(String baseUrl, Consumer<HttpLLMBuilder<?>> settings) {
        GeminiLLM.Builder b = GeminiLLM.builder().baseUrl(baseUrl + "v1beta").apiKey(KEY);
        settings.accept(b);
        return b.build();
    }

    @Override
    protected String keyHeader() {
        return "x-goog-api-key";
    }

    @Override
    protected String expectedPath() {
        return "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected String framed(String payload) {
        return "data: " + payload + "\r\n\r\n";
    }

    private String chunk(String parts, String finish, int candidatesTokens) {
        return framed("{\"candidates\":[{\"content\":{\"parts\":[" + parts + "],\"role\":\"model\"}"
                + (finish == null ? "" : ",\"finishReason\":\"" + finish + "\"") + ",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":" + PROMPT_TOKENS + ",\"candidatesTokenCount\":"
                + candidatesTokens + ",\"totalTokenCount\":" + (PROMPT_TOKENS + candidatesTokens) + "},"
                + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}");
    }

    private static String text(String t) {
        return "{\"text\":" + quote(t) + "}";
    }

    @Override
    protected String token(String t) {
        return chunk(text(t), null, 1);
    }

    @Override
    protected String opening(String firstToken) {
        return token(firstToken);
    }

    @Override
    protected String truncated(List<String> tokens) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            s.append(chunk(text(tokens.get(i)), null, i + 1));
        }
        return s.toString();
    }

    @Override
    protected String answer(List<String> tokens) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            s.append(chunk(text(tokens.get(i)), i == tokens.size() - 1 ? "STOP" : null, i + 1));
        }
        return s.toString();
    }

    @Override
    protected String errorBody(int status, String message) {
        String grpc = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        };
        return "{\"error\":{\"code\":" + status + ",\"message\":" + quote(message) + ",\"status\":\"" + grpc + "\"}}";
    }

    @Override
    protected String midStreamError(String message) {
        return framed("{\"error\":{\"code\":503,\"message\":" + quote(message) + ",\"status\":\"UNAVAILABLE\"}}");
    }

    @Override
    protected String toolCall(String id, String name, String arguments) {
        return chunk("{\"functionCall\":{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"args\":" + arguments + "}}",
                "STOP", 12);
    }

    @Override
    protected String thinkingThenAnswer(String thinking, String answer) {
        return chunk("{\"text\":" + quote(thinking) + ",\"thought\":true}", null, 0)
                + chunk(text(answer), "STOP", 5);
    }

    @Test
    void aSafetyBlockIsATypedErrorWithThePartialTextNotAnEmptyAnswer() {
        server.enqueue(ok(token("Once upon") + framed("{\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},"
                + "\"finishReason\":\"SAFETY\",\"index\":0,\"safetyRatings\":[{\"category\":"
                + "\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\":\"HIGH\",\"blocked\":true}]}]}")));

        assertThatThrownBy(() -> llm().generate("hi")).isInstanceOfSatisfying(ProviderErrorException.class, e -> {
            assertThat(e.errorType()).isEqualTo("SAFETY");
            assertThat(e.partialText()).isEqualTo("Once upon");
            assertThat(e.getMessage()).contains("SAFETY").contains("HARM_CATEGORY_DANGEROUS_CONTENT");
            assertThat(e.isRetryable()).isFalse();
        });
    }

    @Test
    void aBlockedPromptIsATypedError() {
        server.enqueue(ok(framed("{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},\"usageMetadata\":"
                + "{\"promptTokenCount\":9,\"totalTokenCount\":9}}")));

        assertThatThrownBy(() -> llm().generate("hi")).isInstanceOfSatisfying(ProviderErrorException.class,
                e -> assertThat(e.errorType()).isEqualTo("PROHIBITED_CONTENT"));
    }

    @Override
    protected String toolLoopSecondRequest() {
        return """
                {"contents":[
                   {"role":"user","parts":[{"text":"Weather in Paris?"}]},
                   {"role":"model","parts":[{"functionCall":{"id":"call_1","name":"get_weather",
                     "args":{"city":"Paris"}}}]},
                   {"role":"user","parts":[{"functionResponse":{"id":"call_1","name":"get_weather",
                     "response":{"output":{"temperature_c":21}}}}]}],
                 "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Current weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}]}]}
                """;
    }

    @Override
    protected String structuredRequestFields() {
        return """
                {"generationConfig":{"responseMimeType":"application/json","responseSchema":
                  {"type":"OBJECT","properties":{"city":{"type":"STRING"},"celsius":{"type":"INTEGER"},
                   "note":{"type":"STRING"}},"propertyOrdering":["city","celsius","note"],
                   "required":["city","celsius"]}}}
                """;
    }
}
