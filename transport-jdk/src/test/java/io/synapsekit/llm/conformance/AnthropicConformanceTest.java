package io.synapsekit.llm.conformance;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link AnthropicLLM} against Messages SSE transcripts written from Anthropic's "Streaming Messages"
 * documentation: named events, {@code ping}s between them, usage in {@code message_start} and
 * {@code message_delta}.
 */
class AnthropicConformanceTest extends LLMConformanceTest {

    @Override
    protected LLM newLLM(String baseUrl, Consumer<HttpLLMBuilder<?>> settings) {
        AnthropicLLM.Builder b = AnthropicLLM.builder().baseUrl(baseUrl).apiKey(KEY);
        settings.accept(b);
        return b.build();
    }

    @Override
    protected String keyHeader() {
        return "x-api-key";
    }

    @Override
    protected String expectedPath() {
        return "/v1/messages";
    }

    @Override
    protected String contentType() {
        return "text/event-stream; charset=utf-8";
    }

    static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    @Override
    protected String framed(String payload) {
        return "event: content_block_delta\ndata: " + payload + "\n\n";
    }

    private static String start() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + (PROMPT_TOKENS - 3)
                + ",\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":1,\"output_tokens\":1}}}");
    }

    private static String blockStart(int index, String block) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":" + block + "}");
    }

    private static String blockDelta(int index, String delta) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":"
                + delta + "}");
    }

    private static String blockStop(int index) {
        return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static String ping() {
        return event("ping", "{\"type\": \"ping\"}");
    }

    private static String end(String reason, int outputTokens) {
        return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + reason
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    @Override
    protected String token(String text) {
        return blockDelta(0, "{\"type\":\"text_delta\",\"text\":" + quote(text) + "}");
    }

    @Override
    protected String opening(String firstToken) {
        return start() + blockStart(0, "{\"type\":\"text\",\"text\":\"\"}") + ping() + token(firstToken);
    }

    @Override
    protected String truncated(List<String> tokens) {
        StringBuilder s = new StringBuilder(start()).append(blockStart(0, "{\"type\":\"text\",\"text\":\"\"}"))
                .append(ping());
        tokens.forEach(t -> s.append(token(t)));
        return s.toString();
    }

    @Override
    protected String answer(List<String> tokens) {
        return truncated(tokens) + blockStop(0) + end("end_turn", tokens.size());
    }

    @Override
    protected String errorBody(int status, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 500 -> "api_error";
            case 503, 529 -> "overloaded_error";
            default -> "invalid_request_error";
        };
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quote(message) + "}}";
    }

    @Override
    protected String preamble() {
        return start() + ping();
    }

    @Override
    protected String midStreamError(String message) {
        return event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                + quote(message) + "}}");
    }

    @Override
    protected String toolCall(String id, String name, String arguments) {
        StringBuilder s = new StringBuilder(start())
                .append(blockStart(0, "{\"type\":\"text\",\"text\":\"\"}"))
                .append(blockStop(0))
                .append(blockStart(1, "{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name
                        + "\",\"input\":{}}"))
                .append(blockDelta(1, "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}"));
        for (int i = 0; i < arguments.length(); i += 5) {
            String part = arguments.substring(i, Math.min(arguments.length(), i + 5));
            s.append(blockDelta(1, "{\"type\":\"input_json_delta\",\"partial_json\":" + quote(part) + "}"));
        }
        return s.append(blockStop(1)).append(end("tool_use", 20)).toString();
    }

    @Override
    protected String thinkingThenAnswer(String thinking, String answer) {
        return start()
                + blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}")
                + blockDelta(0, "{\"type\":\"thinking_delta\",\"thinking\":" + quote(thinking) + "}")
                + blockDelta(0, "{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3h\"}")
                + blockStop(0)
                + blockStart(1, "{\"type\":\"text\",\"text\":\"\"}")
                + blockDelta(1, "{\"type\":\"text_delta\",\"text\":" + quote(answer) + "}")
                + blockStop(1)
                + end("end_turn", 30);
    }

    @Override
    protected String toolLoopSecondRequest() {
        return """
                {"model":"claude-sonnet-4-5","max_tokens":4096,
                 "messages":[
                   {"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":[
                     {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}]},
                   {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"call_1","content":"{\\"temperature_c\\":21}"}]}],
                 "stream":true,
                 "tools":[{"name":"get_weather","description":"Current weather",
                   "input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}
                """;
    }

    @Override
    protected String structuredAnswer(String json) {
        return toolCall("toolu_1", "Weather", json);
    }

    @Override
    protected String structuredRequestFields() {
        return """
                {"tools":[{"name":"Weather","description":"Give the answer as this tool's input.",
                   "input_schema":{"type":"object","properties":{"city":{"type":"string"},"celsius":{"type":"integer"},
                   "note":{"type":"string"}},"required":["city","celsius"],"additionalProperties":false}}],
                 "tool_choice":{"type":"tool","name":"Weather"}}
                """;
    }
}
