package io.synapsekit.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.SseDecoder;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.internal.ToolCallAssembler;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.sse.SseEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Chat Completions SSE stream: {@code data:} JSON chunks, then {@code data: [DONE]}.
 *
 * <p>Known fields become typed events: {@code delta.content} tokens, {@code delta.reasoning_content} or
 * {@code delta.reasoning} thinking (DeepSeek, vLLM, OpenRouter, Groq), {@code delta.refusal}
 * {@link LLMEvent.Refusal}s (never answer text: with structured output the answer must stay parseable JSON),
 * {@code delta.tool_calls} fragments,
 * {@code finish_reason} and {@code usage}. A chunk that carries none of them (Azure's
 * {@code prompt_filter_results}, a future field) reaches the caller as a {@link LLMEvent.Raw}; a chunk whose
 * delta is only a role or empty content is the documented opening chunk and is skipped.
 */
final class OpenAIStreamDecoder extends SseDecoder {

    private final String contentType;
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    private boolean finished;
    private boolean responseSeen;
    private final ContentChunkScanner.Template template = new ContentChunkScanner.Template();

    OpenAIStreamDecoder(InputStream body, StreamContext context, String contentType) {
        super(body, context, "before its finish reason and [DONE]");
        this.contentType = contentType;
    }

    /**
     * The finish chunk arrived but [DONE] did not: the answer is complete; at most a usage chunk was lost. Some
     * compatible servers never send [DONE].
     */
    @Override
    protected boolean ended(Consumer<LLMEvent> out) {
        if (finished) {
            drainToolCalls(out);
        }
        return finished;
    }

    @Override
    protected String noEventDetail() {
        return " (content-type: " + (contentType.isEmpty() ? "none" : contentType) + ")";
    }

    @Override
    protected boolean decode(SseEvent event, Consumer<LLMEvent> out) {
        String data = event.data();
        if (!"message".equals(event.event())) {
            if ("error".equals(event.event())) {
                throw error(data);
            }
            out.accept(new LLMEvent.Raw(event.event(), data));
            return true;
        }
        if ("[DONE]".equals(data.strip())) {
            drainToolCalls(out);
            return false;
        }
        if (!responseSeen) {
            responseSeen = true;
            response(data);
        }
        if (fastDecode(data, out)) {
            return true;
        }
        decode(context.object("chunk", context.json("chunk", data), data), data, out);
        return true;
    }

    /**
     * Reports the response's {@code id} and {@code model}, which every chunk repeats, from the first chunk only:
     * one more parse per call, none per token. A chunk that does not parse is left to the decoding that follows,
     * which reports it.
     */
    private void response(String data) {
        JsonNode chunk;
        try {
            chunk = Json.parse(data);
        } catch (IOException e) {
            return;
        }
        String id = Json.text(chunk, "id");
        String model = Json.text(chunk, "model");
        if (id != null || model != null) {
            context.responseReported(id, model);
        }
    }

    /**
     * Decodes the common chunk, a plain content delta of choice 0, with this stream's
     * {@link ContentChunkScanner.Template}. Returns
     * {@code false}, having emitted nothing, for anything else (tool calls, reasoning, refusals, a finish reason,
     * usage, errors, other choices, unknown fields, malformed JSON): the tree-based {@link #decode} then handles
     * the chunk with its full rules.
     */
    private boolean fastDecode(String data, Consumer<LLMEvent> out) {
        String content = template.content(data);
        if (content == null) {
            return false;
        }
        if (!content.isEmpty()) {
            out.accept(new LLMEvent.Token(content));
        }
        return true;
    }

    private void decode(JsonNode chunk, String data, Consumer<LLMEvent> out) {
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull()) {
            throw error(data);
        }
        JsonNode choices = chunk.get("choices");
        JsonNode usage = chunk.get("usage");
        boolean known = false;
        if (choices != null && choices.isArray()) {
            known = true;
            for (JsonNode choice : choices) {
                int index = choice.path("index").asInt(0);
                if (index != 0) {
                    // Only the first choice is streamed as the answer; others are passed on as data.
                    out.accept(new LLMEvent.Raw("choice", choice.toString()));
                    continue;
                }
                decodeChoice(choice, out);
            }
        }
        if (usage != null && usage.isObject()) {
            known = true;
            out.accept(new LLMEvent.Usage(Json.integer(usage, "prompt_tokens"),
                    Json.integer(usage, "completion_tokens")));
        }
        if (!known) {
            out.accept(new LLMEvent.Raw("chunk", data));
        }
    }

    private void decodeChoice(JsonNode choice, Consumer<LLMEvent> out) {
        JsonNode delta = choice.get("delta");
        if (delta != null && delta.isObject()) {
            String reasoning = firstText(delta, "reasoning_content", "reasoning");
            if (reasoning != null && !reasoning.isEmpty()) {
                out.accept(new LLMEvent.Thinking(reasoning));
            }
            OpenAICodec.content(delta.get("content"), t -> out.accept(new LLMEvent.Token(t)),
                    t -> out.accept(new LLMEvent.Thinking(t)));
            String refusal = Json.text(delta, "refusal");
            if (refusal != null && !refusal.isEmpty()) {
                out.accept(new LLMEvent.Refusal(refusal));
            }
            JsonNode calls = delta.get("tool_calls");
            if (calls != null && calls.isArray()) {
                int position = 0;
                for (JsonNode call : calls) {
                    JsonNode fn = call.path("function");
                    LLMEvent.ToolCallDelta d = new LLMEvent.ToolCallDelta(
                            call.path("index").asInt(position), Json.text(call, "id"), Json.text(fn, "name"),
                            Json.text(fn, "arguments"));
                    toolCalls.add(d);
                    out.accept(d);
                    position++;
                }
            }
        }
        String reason = Json.text(choice, "finish_reason");
        if (reason != null) {
            finished = true;
            drainToolCalls(out);
            out.accept(new LLMEvent.Finish(reason));
        }
    }

    private void drainToolCalls(Consumer<LLMEvent> out) {
        if (!toolCalls.isEmpty()) {
            toolCalls.drain().forEach(out);
        }
    }

    private RuntimeException error(String data) {
        try {
            JsonNode root = Json.parse(data);
            JsonNode error = root.has("error") ? root.get("error") : root;
            if (error.isTextual()) {
                return context.providerError("", error.asText());
            }
            String message = firstText(error, "message");
            String type = firstText(error, "type");
            String code = firstText(error, "code");
            return context.providerError(type == null ? "" : type, code == null ? "" : code,
                    message == null ? io.synapsekit.internal.HttpErrors.cut(data) : message);
        } catch (IOException e) {
            return context.providerError("", io.synapsekit.internal.HttpErrors.cut(data));
        }
    }

    private static @Nullable String firstText(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && (v.isTextual() || v.isNumber())) {
                return v.asText();
            }
        }
        return null;
    }
}
