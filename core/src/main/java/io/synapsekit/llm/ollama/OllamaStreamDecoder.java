package io.synapsekit.llm.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.HttpErrors;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.LLMEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Decodes Ollama's {@code /api/chat} stream: one JSON object per line, the last with {@code "done": true}.
 *
 * <p>{@code message.content} becomes {@link LLMEvent.Token}, {@code message.thinking} {@link LLMEvent.Thinking},
 * and each of {@code message.tool_calls} one {@link LLMEvent.ToolCall}: Ollama sends whole calls, with the
 * arguments as a JSON object, which is passed on as JSON text. The done line gives {@link LLMEvent.Finish}
 * ({@code done_reason}, when the server reports one) and {@link LLMEvent.Usage} ({@code prompt_eval_count},
 * {@code eval_count}; either is {@code null} when absent, e.g. a prompt served from cache on older servers). An
 * {@code {"error": …}} line is a {@link io.synapsekit.llm.ProviderErrorException} with the partial text.
 */
final class OllamaStreamDecoder implements EventDecoder {

    private final LineReader lines;
    private final StreamContext context;
    private int toolCallCount;
    private boolean anyLine;
    private boolean responseSeen;

    OllamaStreamDecoder(InputStream body, StreamContext context) {
        this.lines = new LineReader(body, context.maxEventBytes());
        this.context = context;
    }

    @Override
    public boolean next(Consumer<LLMEvent> out) throws IOException {
        LineReader.Line line;
        try {
            line = lines.next();
        } catch (LineReader.LineTooLongException e) {
            throw context.malformed("line larger than " + context.maxEventBytes() + " bytes", e.start, e);
        }
        if (line == null) {
            throw context.truncated(anyLine ? "stream ended before the line with \"done\": true"
                    : "response ended without any line");
        }
        if (line.text().isBlank()) {
            return true;
        }
        anyLine = true;
        JsonNode json;
        try {
            json = Json.parse(line.text());
        } catch (IOException e) {
            if (!line.terminated()) {
                throw context.truncated("stream ended mid-line: " + HttpErrors.cut(line.text()));
            }
            throw context.malformed("line is not JSON", line.text(), e);
        }
        return decode(context.object("line", json, line.text()), line.text(), out);
    }

    /** Decodes one line; returns {@code false} after the done line. */
    private boolean decode(JsonNode json, String text, Consumer<LLMEvent> out) {
        JsonNode error = json.get("error");
        if (error != null && !error.isNull()) {
            String message = error.isTextual() ? error.asText() : Json.text(error, "message");
            throw context.providerError(error.isObject() ? error.path("type").asText("") : "",
                    message != null ? message : HttpErrors.cut(text));
        }
        if (!responseSeen) { // every line repeats it: read once per call, not per token
            responseSeen = true;
            String model = Json.text(json, "model");
            if (model != null) {
                context.responseReported(null, model);
            }
        }
        JsonNode message = json.get("message");
        boolean known = false;
        if (message != null && message.isObject()) {
            known = true;
            String thinking = Json.text(message, "thinking");
            if (thinking != null && !thinking.isEmpty()) {
                out.accept(new LLMEvent.Thinking(thinking));
            }
            String content = Json.text(message, "content");
            if (content != null && !content.isEmpty()) {
                out.accept(new LLMEvent.Token(content));
            }
            for (JsonNode call : message.path("tool_calls")) {
                JsonNode fn = call.path("function");
                JsonNode arguments = fn.get("arguments");
                String args = arguments == null || arguments.isNull() ? "{}"
                        : arguments.isTextual() ? arguments.asText() : arguments.toString();
                out.accept(new LLMEvent.ToolCall(toolCallCount++, Json.text(call, "id"), fn.path("name").asText(""),
                        args));
            }
        }
        if (json.path("done").asBoolean(false)) {
            String reason = Json.text(json, "done_reason");
            if (reason != null && !reason.isEmpty()) {
                out.accept(new LLMEvent.Finish(reason));
            }
            out.accept(new LLMEvent.Usage(Json.integer(json, "prompt_eval_count"), Json.integer(json, "eval_count")));
            return false;
        }
        if (!known) {
            out.accept(new LLMEvent.Raw("line", text));
        }
        return true;
    }
}
