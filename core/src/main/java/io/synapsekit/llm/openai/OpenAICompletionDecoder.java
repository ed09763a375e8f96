package io.synapsekit.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.LLMEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Decodes a complete, non-streamed chat completion: what a server sends when it ignores {@code stream: true}.
 * The whole answer arrives as one token (a refusal as one {@link LLMEvent.Refusal}).
 */
final class OpenAICompletionDecoder implements EventDecoder {

    private final InputStream body;
    private final StreamContext context;

    OpenAICompletionDecoder(InputStream body, StreamContext context) {
        this.body = body;
        this.context = context;
    }

    @Override
    public boolean next(Consumer<LLMEvent> sink) throws IOException {
        byte[] bytes = body.readNBytes(context.maxEventBytes() + 1);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (bytes.length > context.maxEventBytes()) {
            throw context.malformed("JSON completion larger than " + context.maxEventBytes() + " bytes", text, null);
        }
        JsonNode root = context.json("response", text);
        if (root.has("error") && !root.get("error").isNull()) {
            JsonNode e = root.get("error");
            throw context.providerError(e.path("type").asText(""), e.path("code").asText(""),
                    e.isTextual() ? e.asText() : e.path("message").asText(text));
        }
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        if (message.isMissingNode()) {
            throw context.malformed("completion has no choices[0].message", text, null);
        }
        String id = Json.text(root, "id");
        String model = Json.text(root, "model");
        if (id != null || model != null) {
            context.responseReported(id, model);
        }
        String reasoning = Json.text(message, "reasoning_content");
        if (reasoning == null) {
            reasoning = Json.text(message, "reasoning");
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            sink.accept(new LLMEvent.Thinking(reasoning));
        }
        OpenAICodec.content(message.get("content"), t -> sink.accept(new LLMEvent.Token(t)),
                t -> sink.accept(new LLMEvent.Thinking(t)));
        String refusal = Json.text(message, "refusal");
        if (refusal != null && !refusal.isEmpty()) {
            sink.accept(new LLMEvent.Refusal(refusal));
        }
        int index = 0;
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode fn = call.path("function");
            sink.accept(new LLMEvent.ToolCall(index++, Json.text(call, "id"), fn.path("name").asText(""),
                    Json.text(fn, "arguments")));
        }
        String reason = Json.text(choice, "finish_reason");
        if (reason != null) {
            sink.accept(new LLMEvent.Finish(reason));
        }
        JsonNode usage = root.get("usage");
        if (usage != null && usage.isObject()) {
            sink.accept(new LLMEvent.Usage(Json.integer(usage, "prompt_tokens"),
                    Json.integer(usage, "completion_tokens")));
        }
        return false;
    }
}
