package io.synapsekit.server.ui;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.agent.AgentEvent;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.sse.SseEvent;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns one answer's typed events into UI message stream chunks, in order, into a queue the caller drains. Keeps
 * the state the protocol needs: the open text or reasoning part and its id, the tool calls begun, the graph step,
 * the finish reason and usage. Not thread-safe: one answer, one thread.
 */
final class UiMessageEncoder {

    /**
     * Maps values for chunks. A pool of its own rather than Jackson's thread-local buffers, so that no buffer is
     * left in a container's pool thread after the web application is undeployed.
     */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    static final int MAX_ERROR_TEXT = 500;

    private enum Part { NONE, TEXT, REASONING }

    private final String messageId;
    private final Function<Throwable, String> errorText;
    final ArrayDeque<SseEvent> out = new ArrayDeque<>();

    private Part open = Part.NONE;
    private String partId = "";
    private String textDeltaPrefix = "";
    private int parts;
    private final Map<Integer, String> toolCallIds = new HashMap<>();
    private final Map<Integer, String> toolNames = new HashMap<>();
    /** The ids the client knows an agent's started tool calls by, until their results are sent. */
    private final Map<String, String> agentCallIds = new HashMap<>();
    private @Nullable String stepId;
    private int steps;
    private @Nullable String finishReason;
    private @Nullable Integer inputTokens;
    private @Nullable Integer outputTokens;
    private boolean usageReported;
    private boolean finished;

    UiMessageEncoder(String messageId, Function<Throwable, String> errorText) {
        this.messageId = messageId;
        this.errorText = errorText;
    }

    // ---- the frame ----

    void start() {
        StringBuilder s = chunk("start");
        field(s, "messageId", messageId);
        emit(s);
    }

    /** Ends the message: closes an open part, then {@code finish} with the reason and any reported usage. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        closePart();
        StringBuilder s = chunk("finish");
        field(s, "finishReason", finishReason == null ? "unknown" : finishReason);
        if (usageReported) {
            s.append(",\"messageMetadata\":{\"usage\":{");
            boolean first = true;
            if (inputTokens != null) {
                s.append("\"inputTokens\":").append(inputTokens.intValue());
                first = false;
            }
            if (outputTokens != null) {
                s.append(first ? "" : ",").append("\"outputTokens\":").append(outputTokens.intValue());
            }
            s.append("}}");
        }
        emit(s);
    }

    /** The source failed: an {@code error} chunk with a text safe to show, then {@code finish} with "error". */
    void error(Throwable failure) {
        if (finished) {
            return;
        }
        closePart();
        finishStep();
        emitError(shownError(failure));
        finishReason = "error";
        finish();
    }

    /** The answer was stopped on purpose: the open part ends and {@code abort} tells the client, as the SDK does. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        closePart();
        finishStep();
        emit(chunk("abort"));
    }

    // ---- LLM ----

    void llm(LLMEvent event) {
        switch (event) {
            case LLMEvent.Token t -> text(t.text());
            case LLMEvent.Thinking t -> reasoning(t.text());
            case LLMEvent.Refusal r -> refusal(r.text());
            case LLMEvent.ToolCallDelta d -> toolInputDelta(d);
            case LLMEvent.ToolCall c -> toolInputAvailable(c);
            case LLMEvent.Usage u -> usage(u.promptTokens(), u.completionTokens());
            case LLMEvent.Finish f -> finishReason = finishReason(f.reason());
            case LLMEvent.Raw r -> { } // provider-specific, nothing in the protocol carries it
        }
    }

    // ---- RAG ----

    void rag(RAGEvent event) {
        switch (event) {
            case RAGEvent.Sources s -> sources(s.chunks());
            case RAGEvent.Token t -> text(t.text());
            case RAGEvent.Refusal r -> refusal(r.text());
            case RAGEvent.Usage u -> usage(u.promptTokens(), u.completionTokens());
            case RAGEvent.Done d -> {
                if (!d.finishReason().isEmpty()) {
                    finishReason = finishReason(d.finishReason());
                }
            }
        }
    }

    // ---- graph ----

    void graph(GraphEvent event) {
        switch (event) {
            case GraphEvent.NodeStarted s -> {
                closePart();
                finishStep();
                emit(chunk("start-step"));
                stepId = s.node() + "-" + ++steps;
                emit(nodeData(s.node(), "running", null));
            }
            case GraphEvent.Token t -> text(t.text());
            case GraphEvent.Thinking t -> {
                reasoning(t.text());
                closePart();
            }
            case GraphEvent.Refusal r -> refusal(r.text());
            case GraphEvent.ToolCall c -> toolInputAvailable(c.call());
            case GraphEvent.Usage u -> usage(u.promptTokens(), u.completionTokens());
            case GraphEvent.Agent a -> agent(a);
            case GraphEvent.NodeFinished f -> {
                closePart();
                for (Object value : f.update().update().values()) {
                    List<RetrievedChunk> chunks = retrievedChunks(value);
                    if (chunks != null) {
                        sources(chunks);
                    }
                }
                if (stepId == null) {
                    emit(chunk("start-step"));
                    stepId = f.node() + "-" + ++steps;
                }
                emit(nodeData(f.node(), "finished", f.update().update()));
                finishStep();
            }
            case GraphEvent.Failed f -> error(f.error());
            case GraphEvent.Interrupted i -> {
                // A paused run (a checkpointed graph asking a person): the page gets what was asked as a data part
                // and resumes the thread itself; the message ends here, as in the AI SDK's own human-in-the-loop.
                closePart();
                if (stepId == null) {
                    emit(chunk("start-step"));
                    stepId = i.node() + "-" + ++steps;
                }
                emit(interruptData(i));
                finishStep();
                if (finishReason == null) {
                    finishReason = "other";
                }
            }
            case GraphEvent.Done d -> {
                closePart();
                finishStep();
                if (finishReason == null) {
                    finishReason = "stop";
                }
            }
        }
    }

    // ---- parts ----

    private void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (open != Part.TEXT) {
            openPart(Part.TEXT, "text-start");
            textDeltaPrefix = "{\"type\":\"text-delta\",\"id\":\"" + partId + "\",\"delta\":\"";
        }
        // The hot path: one builder, a prefix made once per part, and escaping only where a character needs it.
        StringBuilder s = new StringBuilder(textDeltaPrefix.length() + text.length() + 8).append(textDeltaPrefix);
        quote(text, s);
        out.add(SseEvent.message(s.append("\"}").toString()));
    }

    private void reasoning(String text) {
        if (text.isEmpty()) {
            return;
        }
        if (open != Part.REASONING) {
            openPart(Part.REASONING, "reasoning-start");
        }
        StringBuilder s = chunk("reasoning-delta");
        field(s, "id", partId);
        field(s, "delta", text);
        emit(s);
    }

    /** A refusal shows as text in a part of its own: the protocol has no refusal chunk, and it must be seen. */
    private void refusal(String text) {
        closePart();
        text(text);
        closePart();
    }

    private void openPart(Part kind, String type) {
        closePart();
        open = kind;
        partId = (kind == Part.TEXT ? "text-" : "reasoning-") + ++parts;
        StringBuilder s = chunk(type);
        field(s, "id", partId);
        emit(s);
    }

    private void closePart() {
        if (open == Part.NONE) {
            return;
        }
        StringBuilder s = chunk(open == Part.TEXT ? "text-end" : "reasoning-end");
        field(s, "id", partId);
        emit(s);
        open = Part.NONE;
    }

    private void finishStep() {
        if (stepId != null) {
            emit(chunk("finish-step"));
            stepId = null;
        }
    }

    private void sources(List<RetrievedChunk> chunks) {
        for (RetrievedChunk c : chunks) {
            StringBuilder s = chunk("source-document");
            field(s, "sourceId", c.chunk().id());
            field(s, "mediaType", "text/plain");
            field(s, "title", c.source());
            String file = c.chunk().metadata().get("filename");
            if (file != null) {
                field(s, "filename", file);
            }
            emit(s);
        }
    }

    private void toolInputDelta(LLMEvent.ToolCallDelta d) {
        String id = toolCallIds.get(d.index());
        if (id == null) {
            if (d.name() == null) {
                return; // the name comes in a later fragment; the assembled call carries every argument anyway
            }
            id = d.id() == null || d.id().isEmpty() ? messageId + "-call-" + d.index() : d.id();
            toolCallIds.put(d.index(), id);
            toolNames.put(d.index(), d.name());
            closePart();
            StringBuilder s = chunk("tool-input-start");
            field(s, "toolCallId", id);
            field(s, "toolName", d.name());
            emit(s);
        }
        if (!d.argumentsDelta().isEmpty()) {
            StringBuilder s = chunk("tool-input-delta");
            field(s, "toolCallId", id);
            field(s, "inputTextDelta", d.argumentsDelta());
            emit(s);
        }
    }

    /** Sends a tool call whose arguments are complete; returns the id the client knows it by. */
    private String toolInputAvailable(LLMEvent.ToolCall call) {
        String id = toolCallIds.get(call.index());
        if (id == null || !call.name().equals(toolNames.get(call.index()))) {
            id = call.id().isEmpty() ? messageId + "-call-" + call.index() : call.id();
            closePart();
            StringBuilder s = chunk("tool-input-start");
            field(s, "toolCallId", id);
            field(s, "toolName", call.name());
            emit(s);
        }
        toolCallIds.remove(call.index());
        toolNames.remove(call.index());
        JsonNode input;
        try {
            input = JSON.readTree(call.arguments());
        } catch (JsonProcessingException e) {
            StringBuilder s = chunk("tool-input-error");
            field(s, "toolCallId", id);
            field(s, "toolName", call.name());
            field(s, "input", call.arguments());
            field(s, "errorText", "the tool call's arguments are not valid JSON");
            emit(s);
            return id;
        }
        StringBuilder s = chunk("tool-input-available");
        field(s, "toolCallId", id);
        field(s, "toolName", call.name());
        s.append(",\"input\":").append(input == null ? "{}" : input.toString());
        emit(s);
        return id;
    }

    /** An agent node's events besides its answer tokens: its tool calls, their results, its thinking. */
    private void agent(GraphEvent.Agent a) {
        switch (a.event()) {
            case AgentEvent.Thinking t -> reasoning(t.text());
            case AgentEvent.Refusal r -> refusal(r.text());
            case AgentEvent.ToolCallDelta d -> toolInputDelta(d.delta());
            case AgentEvent.ToolStarted t -> agentCallIds.put(agentCallKey(t.step(), t.call()),
                    toolInputAvailable(t.call()));
            case AgentEvent.ToolFinished f -> {
                String id = agentCallIds.remove(agentCallKey(f.step(), f.call()));
                if (id == null) {
                    return;
                }
                closePart();
                StringBuilder s;
                if (f.result().error()) {
                    s = chunk("tool-output-error");
                    field(s, "toolCallId", id);
                    field(s, "errorText", f.result().content());
                } else {
                    s = chunk("tool-output-available");
                    field(s, "toolCallId", id);
                    s.append(",\"output\":").append(jsonOrText(f.result().content()));
                }
                emit(s);
            }
            case AgentEvent.StepFinished f -> {
                if (f.usage() != null) {
                    usage(f.usage().promptTokens(), f.usage().completionTokens());
                }
            }
            // Answer text arrives as GraphEvent.Token; steps and the end are the node's own.
            case AgentEvent.Token t -> { }
            case AgentEvent.StepStarted t -> { }
            case AgentEvent.Finished t -> { }
        }
    }

    private static String agentCallKey(int step, LLMEvent.ToolCall call) {
        return call.id().isEmpty() ? "#" + step + "/" + call.index() : call.id();
    }

    /** A tool's result as the JSON it is, or as a JSON string when it is not JSON. */
    private static String jsonOrText(String content) {
        try {
            return JSON.readTree(content).toString();
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(content).toString();
        }
    }

    private void usage(@Nullable Integer prompt, @Nullable Integer completion) {
        if (prompt == null && completion == null) {
            return;
        }
        usageReported = true;
        if (prompt != null) {
            inputTokens = inputTokens == null ? prompt : inputTokens + prompt;
        }
        if (completion != null) {
            outputTokens = outputTokens == null ? completion : outputTokens + completion;
        }
    }

    private StringBuilder nodeData(String node, String status, @Nullable Map<String, @Nullable Object> update) {
        ObjectNode data = JSON.createObjectNode().put("node", node).put("status", status);
        if (update != null) {
            ObjectNode json = data.putObject("update");
            update.forEach((k, v) -> {
                JsonNode value;
                try {
                    value = JSON.valueToTree(v);
                } catch (IllegalArgumentException e) {
                    value = JSON.getNodeFactory().textNode(String.valueOf(v));
                }
                json.set(k, value);
            });
        }
        StringBuilder s = chunk("data-node");
        field(s, "id", stepId == null ? node : stepId);
        s.append(",\"data\":").append(data);
        return s;
    }

    private StringBuilder interruptData(GraphEvent.Interrupted interrupted) {
        ObjectNode data = JSON.createObjectNode().put("node", interrupted.node())
                .put("checkpointId", interrupted.checkpointId());
        JsonNode payload;
        try {
            payload = JSON.valueToTree(interrupted.payload());
        } catch (IllegalArgumentException e) {
            payload = JSON.getNodeFactory().textNode(String.valueOf(interrupted.payload()));
        }
        data.set("payload", payload);
        StringBuilder s = chunk("data-interrupt");
        field(s, "id", interrupted.checkpointId());
        s.append(",\"data\":").append(data);
        return s;
    }

    private void emitError(String text) {
        StringBuilder s = chunk("error");
        field(s, "errorText", text);
        emit(s);
    }

    private String shownError(Throwable failure) {
        String text;
        try {
            text = errorText.apply(failure);
        } catch (RuntimeException e) {
            text = null;
        }
        if (text == null || text.isBlank()) {
            text = UiMessageStream.GENERIC_ERROR;
        }
        return text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) + "…" : text;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable List<RetrievedChunk> retrievedChunks(@Nullable Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            return null;
        }
        for (Object o : list) {
            if (!(o instanceof RetrievedChunk)) {
                return null;
            }
        }
        return (List<RetrievedChunk>) list;
    }

    /** Maps a provider's finish reason to the protocol's: stop, length, content-filter, tool-calls or other. */
    static String finishReason(String reason) {
        return switch (reason.toLowerCase(Locale.ROOT)) {
            case "stop", "end_turn", "stop_sequence", "eos" -> "stop";
            case "length", "max_tokens", "model_length" -> "length";
            case "tool_calls", "tool_use", "function_call" -> "tool-calls";
            case "content_filter", "safety", "recitation", "refusal", "blocklist", "prohibited_content", "spii" ->
                    "content-filter";
            case "" -> "unknown";
            default -> "other";
        };
    }

    // ---- JSON ----

    private static StringBuilder chunk(String type) {
        return new StringBuilder(64).append("{\"type\":\"").append(type).append('"');
    }

    private static void field(StringBuilder s, String name, String value) {
        s.append(",\"").append(name).append("\":\"");
        quote(value, s);
        s.append('"');
    }

    /** Appends {@code text} as the inside of a JSON string; most tokens need no escape and are copied whole. */
    private static void quote(String text, StringBuilder s) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                QUOTE.quoteAsString(text, s);
                return;
            }
        }
        s.append(text);
    }

    /** Closes the chunk's JSON object and queues it. */
    private void emit(StringBuilder json) {
        out.add(SseEvent.message(json.append('}').toString()));
    }
}
