package io.synapsekit.llm.conformance;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.util.List;
import java.util.function.Consumer;

/** {@link io.synapsekit.llm.openai.OpenAILLM} against Chat Completions SSE transcripts (OpenAI's chunk format). */
class OpenAIConformanceTest extends LLMConformanceTest {

    private static final String HEAD = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",";

    @Override
    protected LLM newLLM(String baseUrl, Consumer<HttpLLMBuilder<?>> settings) {
        OpenAILLM.Builder b = OpenAILLM.builder().baseUrl(baseUrl + "v1").apiKey(KEY);
        settings.accept(b);
        return b.build();
    }

    @Override
    protected String keyHeader() {
        return "Authorization";
    }

    @Override
    protected String expectedPath() {
        return "/v1/chat/completions";
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected String framed(String payload) {
        return "data: " + payload + "\n\n";
    }

    private String delta(String delta) {
        return framed(HEAD + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}");
    }

    private String role() {
        return delta("{\"role\":\"assistant\",\"content\":\"\"}");
    }

    @Override
    protected String token(String text) {
        return delta("{\"content\":" + quote(text) + "}");
    }

    private String end(String reason, int completion) {
        return framed(HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}")
                + framed(HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS
                        + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (PROMPT_TOKENS + completion)
                        + "}}")
                + "data: [DONE]\n\n";
    }

    @Override
    protected String answer(List<String> tokens) {
        return truncated(tokens) + end("stop", tokens.size());
    }

    @Override
    protected String opening(String firstToken) {
        return role() + token(firstToken);
    }

    @Override
    protected String truncated(List<String> tokens) {
        StringBuilder s = new StringBuilder(role());
        tokens.forEach(t -> s.append(token(t)));
        return s.toString();
    }

    @Override
    protected String errorBody(int status, String message) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"invalid_request_error\",\"param\":null,"
                + "\"code\":null}}";
    }

    @Override
    protected String preamble() {
        return role();
    }

    @Override
    protected String midStreamError(String message) {
        return framed("{\"error\":{\"message\":" + quote(message) + ",\"type\":\"server_error\"}}");
    }

    @Override
    protected String toolCall(String id, String name, String arguments) {
        StringBuilder s = new StringBuilder(delta("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name
                + "\",\"arguments\":\"\"}}]}"));
        for (int i = 0; i < arguments.length(); i += 7) {
            String part = arguments.substring(i, Math.min(arguments.length(), i + 7));
            s.append(delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":" + quote(part) + "}}]}"));
        }
        return s + end("tool_calls", 12);
    }

    @Override
    protected String thinkingThenAnswer(String thinking, String answer) {
        // DeepSeek's and vLLM's reasoning field, which OpenAI-compatible servers stream beside content.
        return role() + delta("{\"reasoning_content\":" + quote(thinking) + "}") + token(answer) + end("stop", 5);
    }

    @Override
    protected String toolLoopSecondRequest() {
        return """
                {"model":"gpt-4o-mini",
                 "messages":[
                   {"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"{\\"temperature_c\\":21}"}],
                 "stream":true,"stream_options":{"include_usage":true},
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
                """;
    }

    @Override
    protected String structuredRequestFields() {
        return """
                {"response_format":{"type":"json_schema","json_schema":{"name":"Weather","schema":
                  {"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"},
                   "note":{"type":"string"}},"required":["city","celsius"],"additionalProperties":false}}}}
                """;
    }
}
