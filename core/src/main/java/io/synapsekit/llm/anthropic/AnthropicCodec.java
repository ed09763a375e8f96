package io.synapsekit.llm.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.ChatBody;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.ProviderCodec;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Messages wire format: a {@code POST {baseUrl}/v1/messages} with {@code stream: true}, answered with named
 * SSE events from {@code message_start} to {@code message_stop}.
 */
final class AnthropicCodec implements ProviderCodec {

    static final String PROVIDER = "anthropic";
    static final String API_VERSION = "2023-06-01";

    private final URI endpoint;
    private final int maxTokens;

    AnthropicCodec(String baseUrl, int maxTokens) {
        this.endpoint = URI.create(baseUrl + "/v1/messages");
        this.maxTokens = maxTokens;
    }

    /** Returns Anthropic's headers: its API version, and the key when there is one. */
    static Map<String, String> headers(@Nullable String apiKey) {
        return apiKey == null ? Map.of("Accept", "text/event-stream", "anthropic-version", API_VERSION)
                : Map.of("Accept", "text/event-stream", "anthropic-version", API_VERSION, "x-api-key", apiKey);
    }

    @Override
    public URI endpoint(String model) {
        return endpoint;
    }

    @Override
    public ObjectNode body(String model, List<ChatMessage> messages, GenerateOptions options) {
        ObjectNode body = Json.object().put("model", model).put("max_tokens", options.maxTokens().orElse(maxTokens));
        // Anthropic has no system role inside messages: every system text goes to the top-level field.
        ArrayNode turns = Json.MAPPER.createArrayNode();
        String system = ChatBody.conversation(messages, options, (m, call) -> turn(turns, m, call));
        if (system != null) {
            body.put("system", system);
        }
        body.set("messages", turns);
        body.put("stream", true);
        ChatBody.sampling(body, options, "top_p", null, "stop_sequences");
        if (!options.tools().isEmpty()) {
            body.set("tools", ChatBody.tools(options.tools(), "input_schema"));
        }
        options.responseSchema().ifPresent(r -> {
            // Anthropic's documented way to structured output: one tool whose input is the answer, forced.
            ArrayNode tools = body.has("tools") ? (ArrayNode) body.get("tools") : body.putArray("tools");
            tools.addObject().put("name", r.name()).put("description", "Give the answer as this tool's input.")
                    .set("input_schema", ChatBody.schema(r));
            body.putObject("tool_choice").put("type", "tool").put("name", r.name());
        });
        return ChatBody.extraBody(body, options, false);
    }

    /**
     * Adds one turn: text as a plain {@code content} string; an assistant turn with tool calls as its text block
     * and one {@code tool_use} block per call; a tool result as a {@code tool_result} block in a user turn, the
     * results of one step sharing that turn as the API requires.
     */
    private static void turn(ArrayNode turns, ChatMessage m, LLMEvent.@Nullable ToolCall call) {
        switch (m.role()) {
            case TOOL -> {
                ArrayNode blocks;
                if (turns.size() > 0 && turns.get(turns.size() - 1) instanceof ObjectNode last
                        && "user".equals(last.path("role").asText()) && last.get("content") instanceof ArrayNode a
                        && a.size() > 0 && "tool_result".equals(a.get(0).path("type").asText())) {
                    blocks = a;
                } else {
                    blocks = turns.addObject().put("role", "user").putArray("content");
                }
                ObjectNode result = blocks.addObject().put("type", "tool_result").put("tool_use_id",
                        m.toolCallId().isEmpty() && call != null ? call.id() : m.toolCallId())
                        .put("content", m.content());
                if (m.toolError()) {
                    result.put("is_error", true);
                }
            }
            case ASSISTANT -> {
                ObjectNode turn = turns.addObject().put("role", "assistant");
                if (!m.hasToolCalls()) {
                    turn.put("content", m.content());
                    return;
                }
                ArrayNode blocks = turn.putArray("content");
                if (!m.content().isEmpty()) {
                    blocks.addObject().put("type", "text").put("text", m.content());
                }
                for (LLMEvent.ToolCall c : m.toolCalls()) {
                    blocks.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name())
                            .set("input", ChatBody.arguments(c));
                }
            }
            default -> turns.addObject().put("role", "user").put("content", m.content());
        }
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new AnthropicStreamDecoder(response.body(), context);
    }
}
