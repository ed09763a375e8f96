package io.synapsekit.llm.ollama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.ChatBody;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.OllamaServer;
import io.synapsekit.internal.ProviderCodec;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Ollama's native chat wire format: a {@code POST {baseUrl}/api/chat} with {@code stream: true}, answered with
 * newline-delimited JSON. Sampling settings go in {@code options} ({@code temperature}, {@code top_p},
 * {@code num_predict}, {@code stop}).
 */
final class OllamaCodec implements ProviderCodec {

    private final URI endpoint;

    OllamaCodec(String baseUrl) {
        this.endpoint = URI.create(baseUrl + "/api/chat");
    }

    @Override
    public URI endpoint(String model) {
        return endpoint;
    }

    @Override
    public String notFoundHint(String model, URI endpoint) {
        return OllamaServer.notFoundHint(model, endpoint);
    }

    @Override
    public ObjectNode body(String model, List<ChatMessage> messages, GenerateOptions options) {
        ObjectNode body = ChatBody.withMessages(model, messages, options, OllamaCodec::toolTurn);
        ObjectNode sampling = Json.object();
        ChatBody.sampling(sampling, options, "top_p", "num_predict", "stop");
        if (!sampling.isEmpty()) {
            body.set("options", sampling);
        }
        if (!options.tools().isEmpty()) {
            body.set("tools", ChatBody.functionTools(options.tools()));
        }
        options.responseSchema().ifPresent(r -> body.set("format", ChatBody.schema(r)));
        return ChatBody.extraBody(body, options, false);
    }

    /**
     * Writes an assistant turn with its {@code tool_calls} (each a {@code function} with its name and its
     * arguments as an object, as Ollama returns them) or a {@code "role": "tool"} result with the
     * {@code tool_name} of the call it answers.
     */
    private static void toolTurn(ObjectNode target, ChatMessage m, LLMEvent.@Nullable ToolCall call) {
        if (m.role() == ChatMessage.Role.TOOL) {
            target.put("role", "tool").put("content", m.content());
            if (call != null) {
                target.put("tool_name", call.name());
            }
            return;
        }
        target.put("role", "assistant").put("content", m.content());
        ArrayNode calls = target.putArray("tool_calls");
        for (LLMEvent.ToolCall c : m.toolCalls()) {
            calls.addObject().putObject("function").put("name", c.name()).set("arguments", ChatBody.arguments(c));
        }
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new OllamaStreamDecoder(response.body(), context);
    }
}
