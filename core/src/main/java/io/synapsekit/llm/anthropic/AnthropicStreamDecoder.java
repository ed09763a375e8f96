package io.synapsekit.llm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.HttpErrors;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.SseDecoder;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.sse.SseEvent;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a Messages SSE stream: {@code message_start}, content blocks ({@code content_block_start},
 * {@code content_block_delta}…, {@code content_block_stop}), {@code message_delta}, then {@code message_stop}.
 *
 * <p>{@code text_delta} becomes {@link LLMEvent.Token}, {@code thinking_delta} {@link LLMEvent.Thinking}, and a
 * {@code tool_use} block's {@code input_json_delta}s become {@link LLMEvent.ToolCallDelta}s and, at the block's
 * stop, one {@link LLMEvent.ToolCall}. Tool calls are numbered in order among tool calls (0, 1, …), as OpenAI
 * numbers them, not by content-block index. {@code ping} is a keep-alive and is skipped, as Anthropic's streaming
 * documentation says; an {@code error} event is an error typed by its nature, carrying the partial result: a
 * {@link io.synapsekit.llm.ServerException} for {@code overloaded_error} and {@code api_error}, a
 * {@link io.synapsekit.llm.RateLimitException} for {@code rate_limit_error} (both retried by the shared client
 * while nothing was delivered), else a {@link io.synapsekit.llm.ProviderErrorException}. Anything else (signature and
 * citation deltas, redacted thinking, server tool blocks, event types added later) is passed on as a
 * {@link LLMEvent.Raw}, because Anthropic's versioning policy says new event types may appear.
 *
 * <p>{@link LLMEvent.Finish} and {@link LLMEvent.Usage} are emitted together at {@code message_stop}. Prompt
 * tokens are {@code input_tokens} plus the cache creation and cache read counts when reported: Anthropic's
 * {@code input_tokens} counts only the uncached part of the prompt, and the sum is what the model read. Completion
 * tokens are the last {@code message_delta}'s cumulative {@code output_tokens}.
 */
final class AnthropicStreamDecoder extends SseDecoder {

    /** Content-block index to its block type, for deltas and stops. */
    private final Map<Integer, String> blockTypes = new HashMap<>();
    /** Content-block index to the tool call being written in it. */
    private final Map<Integer, PendingCall> calls = new HashMap<>();
    private int toolCallCount;
    private @Nullable Integer promptTokens;
    private @Nullable Integer completionTokens;
    private @Nullable String stopReason;

    private static final class PendingCall {
        final int index;
        final String id;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        PendingCall(int index, String id, String name) {
            this.index = index;
            this.id = id;
            this.name = name;
        }
    }

    AnthropicStreamDecoder(InputStream body, StreamContext context) {
        super(body, context, "before message_stop");
    }

    /** Decodes one event; returns {@code false} at {@code message_stop}. */
    @Override
    protected boolean decode(SseEvent event, Consumer<LLMEvent> out) {
        String data = event.data();
        if ("ping".equals(event.event())) {
            return true; // keep-alive; its data carries nothing
        }
        String what = "event " + event.event();
        JsonNode json = context.object(what, context.json(what, data), data);
        // The event name and the data's "type" agree by contract; the name decides only when the type is absent.
        String type = Json.text(json, "type");
        if (type == null) {
            type = event.event();
        }
        switch (type) {
            case "message_start" -> {
                JsonNode message = json.path("message");
                String id = Json.text(message, "id");
                String model = Json.text(message, "model");
                if (id != null || model != null) {
                    context.responseReported(id, model);
                }
                usage(message.path("usage"));
            }
            case "content_block_start" -> blockStart(json, data, out);
            case "content_block_delta" -> blockDelta(json, data, out);
            case "content_block_stop" -> blockStop(json, data, out);
            case "message_delta" -> {
                String reason = Json.text(json.path("delta"), "stop_reason");
                if (reason != null) {
                    stopReason = reason;
                }
                usage(json.path("usage"));
            }
            case "message_stop" -> {
                if (stopReason != null) {
                    out.accept(new LLMEvent.Finish(stopReason));
                }
                out.accept(new LLMEvent.Usage(promptTokens, completionTokens));
                return false;
            }
            case "ping" -> {
                // keep-alive sent unnamed
            }
            case "error" -> {
                JsonNode error = json.path("error");
                String message = Json.text(error, "message");
                throw context.providerError(error.path("type").asText(""),
                        message != null ? message : HttpErrors.cut(data));
            }
            default -> out.accept(new LLMEvent.Raw(type, data));
        }
        return true;
    }

    private void blockStart(JsonNode json, String data, Consumer<LLMEvent> out) {
        int index = json.path("index").asInt(-1);
        JsonNode block = json.path("content_block");
        String blockType = block.path("type").asText("");
        blockTypes.put(index, blockType);
        switch (blockType) {
            case "text" -> {
                String text = Json.text(block, "text");
                if (text != null && !text.isEmpty()) {
                    out.accept(new LLMEvent.Token(text));
                }
            }
            case "thinking" -> {
                String thinking = Json.text(block, "thinking");
                if (thinking != null && !thinking.isEmpty()) {
                    out.accept(new LLMEvent.Thinking(thinking));
                }
            }
            case "tool_use" -> {
                PendingCall call = new PendingCall(toolCallCount++, block.path("id").asText(""),
                        block.path("name").asText(""));
                calls.put(index, call);
                // The start carries "input": {} and the arguments follow as input_json_delta; a start that
                // already holds input (none documented today) is kept, so no argument is lost.
                JsonNode input = block.get("input");
                if (input != null && input.isObject() && !input.isEmpty()) {
                    call.arguments.append(input);
                }
                out.accept(new LLMEvent.ToolCallDelta(call.index, call.id, call.name, call.arguments.toString()));
            }
            default -> out.accept(new LLMEvent.Raw("content_block_start", data));
        }
    }

    private void blockDelta(JsonNode json, String data, Consumer<LLMEvent> out) {
        int index = json.path("index").asInt(-1);
        JsonNode delta = json.path("delta");
        switch (delta.path("type").asText("")) {
            case "text_delta" -> {
                String text = Json.text(delta, "text");
                if (text != null && !text.isEmpty()) {
                    out.accept(new LLMEvent.Token(text));
                }
            }
            case "thinking_delta" -> {
                String thinking = Json.text(delta, "thinking");
                if (thinking != null && !thinking.isEmpty()) {
                    out.accept(new LLMEvent.Thinking(thinking));
                }
            }
            case "input_json_delta" -> {
                PendingCall call = calls.get(index);
                if (call == null) {
                    // A server tool block's input: not ours to call, so passed on as data.
                    out.accept(new LLMEvent.Raw("content_block_delta", data));
                    return;
                }
                String part = delta.path("partial_json").asText("");
                call.arguments.append(part);
                if (!part.isEmpty()) {
                    out.accept(new LLMEvent.ToolCallDelta(call.index, null, null, part));
                }
            }
            default -> out.accept(new LLMEvent.Raw("content_block_delta", data));
        }
    }

    private void blockStop(JsonNode json, String data, Consumer<LLMEvent> out) {
        int index = json.path("index").asInt(-1);
        PendingCall call = calls.remove(index);
        String blockType = blockTypes.remove(index);
        if (call != null) {
            out.accept(new LLMEvent.ToolCall(call.index, call.id, call.name, call.arguments.toString()));
        } else if (blockType == null) {
            out.accept(new LLMEvent.Raw("content_block_stop", data));
        }
    }

    private void usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        Integer input = Json.integer(usage, "input_tokens");
        if (input != null) {
            Integer creation = Json.integer(usage, "cache_creation_input_tokens");
            Integer read = Json.integer(usage, "cache_read_input_tokens");
            promptTokens = input + (creation == null ? 0 : creation) + (read == null ? 0 : read);
        }
        Integer output = Json.integer(usage, "output_tokens");
        if (output != null) {
            completionTokens = output; // cumulative in message_delta, so the last one wins
        }
        if (input != null || output != null) {
            context.usageReported(new LLMEvent.Usage(promptTokens, completionTokens)); // kept if the stream fails
        }
    }
}
