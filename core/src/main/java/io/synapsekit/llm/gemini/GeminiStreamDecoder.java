package io.synapsekit.llm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.HttpErrors;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.SseDecoder;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.sse.SseEvent;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a {@code streamGenerateContent?alt=sse} stream: each SSE {@code data:} is a whole
 * {@code GenerateContentResponse}. Gemini sends no end sentinel: a candidate's {@code finishReason} marks the
 * last chunk, so the end of the body after one is a clean end and before one a truncated stream.
 *
 * <p>Of the first candidate, text parts become {@link LLMEvent.Token}s, parts marked {@code thought: true}
 * {@link LLMEvent.Thinking}, and {@code functionCall} parts whole {@link LLMEvent.ToolCall}s (Gemini sends calls
 * complete, arguments as a JSON object). Other parts (code execution, inline data, bare thought signatures) and
 * other candidates are passed on as {@link LLMEvent.Raw}.
 *
 * <p>A finish reason that means the answer was withheld (safety, recitation, blocklist, prohibited content,
 * personal data, unsupported language, a malformed function call) is a
 * {@link io.synapsekit.llm.ProviderErrorException} whose {@code errorType()} is the reason, carrying the partial
 * text, not a silently empty answer; so is a {@code promptFeedback.blockReason}. Other reasons ({@code STOP},
 * {@code MAX_TOKENS}, any added later) become {@link LLMEvent.Finish}.
 *
 * <p>{@link LLMEvent.Usage} comes from the last {@code usageMetadata} seen, emitted at the end: prompt tokens are
 * {@code promptTokenCount}; completion tokens are {@code candidatesTokenCount} plus {@code thoughtsTokenCount},
 * because Gemini counts thinking apart from the answer while {@link LLMEvent.Usage} counts reasoning as output.
 */
final class GeminiStreamDecoder extends SseDecoder {

    /** Finish reasons under which Gemini withholds or cuts the answer for policy reasons or a broken call. */
    static final Set<String> BLOCKING_REASONS = Set.of("SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST",
            "PROHIBITED_CONTENT", "SPII", "MALFORMED_FUNCTION_CALL", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION");

    private boolean finished;
    private boolean responseSeen;
    private int toolCallCount;
    private @Nullable JsonNode usage;

    GeminiStreamDecoder(InputStream body, StreamContext context) {
        super(body, context, "before a finishReason");
    }

    /** Gemini sends no end marker: a stream that ended after a finish reason is complete. */
    @Override
    protected boolean ended(Consumer<LLMEvent> out) {
        if (finished && usage != null) {
            out.accept(usage(usage));
        }
        return finished;
    }

    @Override
    protected boolean decode(SseEvent event, Consumer<LLMEvent> out) {
        String data = event.data();
        if (!"message".equals(event.event())) {
            out.accept(new LLMEvent.Raw(event.event(), data));
            return true;
        }
        JsonNode chunk = context.json("chunk", data);
        if (chunk.isArray() && chunk.size() == 1) {
            chunk = chunk.get(0); // errors sometimes come wrapped in a one-element array
        }
        decode(context.object("chunk", chunk, data), data, out);
        return true;
    }

    private void decode(JsonNode chunk, String data, Consumer<LLMEvent> out) {
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            String message = Json.text(error, "message");
            throw context.providerError(error.path("status").asText(""), error.path("code").asText(""),
                    message != null ? message : HttpErrors.cut(data));
        }
        if (!responseSeen) { // every chunk repeats them: read once per call, not per token
            responseSeen = true;
            String id = Json.text(chunk, "responseId");
            String model = Json.text(chunk, "modelVersion");
            if (id != null || model != null) {
                context.responseReported(id, model);
            }
        }
        JsonNode usageMetadata = chunk.get("usageMetadata");
        if (usageMetadata != null && usageMetadata.isObject()) {
            usage = usageMetadata;
            context.usageReported(usage(usage)); // emitted at the end; kept if the stream fails before it
        }
        String blockReason = Json.text(chunk.path("promptFeedback"), "blockReason");
        if (blockReason != null) {
            throw context.providerError(blockReason, "prompt blocked (blockReason " + blockReason + ")"
                    + ratings(chunk.path("promptFeedback").path("safetyRatings")));
        }
        JsonNode candidates = chunk.get("candidates");
        if (candidates == null || !candidates.isArray()) {
            if (usageMetadata == null) {
                out.accept(new LLMEvent.Raw("chunk", data));
            }
            return;
        }
        for (JsonNode candidate : candidates) {
            if (candidate.path("index").asInt(0) != 0) {
                out.accept(new LLMEvent.Raw("candidate", candidate.toString()));
                continue;
            }
            for (JsonNode part : candidate.path("content").path("parts")) {
                part(part, out);
            }
            String reason = Json.text(candidate, "finishReason");
            if (reason != null) {
                if (BLOCKING_REASONS.contains(reason)) {
                    String message = Json.text(candidate, "finishMessage");
                    throw context.providerError(reason, "answer blocked (finishReason " + reason + ")"
                            + (message == null ? "" : ": " + HttpErrors.cut(message))
                            + ratings(candidate.path("safetyRatings")));
                }
                finished = true;
                out.accept(new LLMEvent.Finish(reason));
            }
        }
    }

    private void part(JsonNode part, Consumer<LLMEvent> out) {
        JsonNode text = part.get("text");
        if (text != null && text.isTextual()) {
            if (!text.asText().isEmpty()) {
                out.accept(part.path("thought").asBoolean(false) ? new LLMEvent.Thinking(text.asText())
                        : new LLMEvent.Token(text.asText()));
            }
            return;
        }
        JsonNode call = part.get("functionCall");
        if (call != null && call.isObject()) {
            JsonNode args = call.get("args");
            out.accept(new LLMEvent.ToolCall(toolCallCount++, Json.text(call, "id"), call.path("name").asText(""),
                    args == null || args.isNull() ? "{}" : args.toString()));
            return;
        }
        out.accept(new LLMEvent.Raw("part", part.toString()));
    }

    /** Names the safety categories rated likely enough to block, for the error message. */
    private static String ratings(JsonNode ratings) {
        List<String> flagged = new ArrayList<>();
        for (JsonNode r : ratings) {
            String probability = r.path("probability").asText("");
            if (r.path("blocked").asBoolean(false) || probability.equals("HIGH") || probability.equals("MEDIUM")) {
                flagged.add(r.path("category").asText("?") + "=" + probability);
            }
        }
        return flagged.isEmpty() ? "" : "; " + String.join(", ", flagged);
    }

    private static LLMEvent.Usage usage(JsonNode u) {
        Integer candidates = Json.integer(u, "candidatesTokenCount");
        Integer thoughts = Json.integer(u, "thoughtsTokenCount");
        Integer completion = candidates == null && thoughts == null ? null
                : (candidates == null ? 0 : candidates) + (thoughts == null ? 0 : thoughts);
        return new LLMEvent.Usage(Json.integer(u, "promptTokenCount"), completion);
    }
}
