package io.synapsekit.server.agui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.agent.AgentEvent;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.rag.RetrievedChunk;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns one run's typed events (an LLM's, a RAG answer's or a graph run's) into AG-UI 1.0 events, each one JSON
 * object, keeping what the protocol's order rules need: which text messages, reasoning messages and tool calls are
 * open, so that each is started before its content and ended before {@code RUN_FINISHED}.
 *
 * <p>Ids are derived from the run id ({@code <runId>-msg-1}, {@code <runId>-reasoning-2}, …), so they are unique
 * within a thread as long as run ids are. A tool call keeps the model's id, which the frontend must echo in its
 * result. Per token it appends the escaped text between a prefix made once per message and a fixed suffix.
 *
 * <p>Not thread-safe: one encoder per run, used by the thread that reads the run's events.
 */
final class AgUiEncoder {

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    /** The key of the one text channel of an LLM or RAG answer (graph channels are keyed by node name). */
    private static final String ANSWER = "";

    private final String threadId;
    private final String runId;
    private final Consumer<String> out;
    private int ids;
    /** The open text messages, by node (or {@link #ANSWER}); the last id each node used, for tool call parents. */
    private final Map<String, Text> texts = new LinkedHashMap<>();
    private final Map<String, String> lastTextId = new HashMap<>();
    /** An open, streamed reasoning message of an LLM answer. */
    private @Nullable Text reasoning;
    /** The tool calls of an LLM answer being streamed, by index. */
    private final Map<Integer, ToolCallState> toolCalls = new LinkedHashMap<>();
    private final ArrayNode usage = AgUiJson.NODES.arrayNode();
    private @Nullable JsonNode state;
    private boolean ended;

    /** An open streamed message and the text that starts each of its content events. */
    private record Text(String id, String contentPrefix) {
    }

    /** The ids the client knows an agent's started tool calls by, until their results are sent. */
    private final Map<String, String> agentCallIds = new HashMap<>();

    private static final class ToolCallState {
        @Nullable String id;
        @Nullable String name;
        boolean started;
        final StringBuilder pendingArgs = new StringBuilder();
    }

    AgUiEncoder(String threadId, String runId, Consumer<String> out) {
        this.threadId = threadId;
        this.runId = runId;
        this.out = out;
    }

    /** Returns whether RUN_FINISHED or RUN_ERROR has been sent. */
    boolean ended() {
        return ended;
    }

    void runStarted() {
        ObjectNode e = event("RUN_STARTED").put("threadId", threadId).put("runId", runId);
        send(e);
    }

    void stateSnapshot(Map<String, ?> snapshot) {
        state = AgUiJson.tree(snapshot);
        ObjectNode e = event("STATE_SNAPSHOT");
        e.set("snapshot", state);
        send(e);
    }

    // ---- an LLM's events ----

    void llm(LLMEvent event) {
        switch (event) {
            case LLMEvent.Token t -> {
                closeReasoning();
                text(ANSWER, t.text());
            }
            case LLMEvent.Thinking t -> {
                if (t.text().isEmpty()) {
                    return;
                }
                closeTexts();
                if (reasoning == null) {
                    reasoning = openReasoning();
                }
                content(reasoning, t.text());
            }
            case LLMEvent.Refusal r -> {
                closeReasoning();
                closeTexts();
                wholeText(r.text(), ANSWER);
            }
            case LLMEvent.ToolCallDelta d -> toolCallDelta(d);
            case LLMEvent.ToolCall c -> toolCallDone(c);
            case LLMEvent.Usage u -> usage(u.promptTokens(), u.completionTokens());
            case LLMEvent.Finish f -> {
                closeReasoning();
                closeTexts();
            }
            case LLMEvent.Raw r -> {
                ObjectNode e = event("RAW").put("source", r.type());
                e.set("event", parsedOrText(r.json()));
                send(e);
            }
        }
    }

    private void toolCallDelta(LLMEvent.ToolCallDelta d) {
        ToolCallState call = toolCalls.computeIfAbsent(d.index(), i -> new ToolCallState());
        if (call.id == null && d.id() != null && !d.id().isEmpty()) {
            call.id = d.id();
        }
        if (call.name == null && d.name() != null && !d.name().isEmpty()) {
            call.name = d.name();
        }
        if (!call.started && call.name != null) {
            startToolCall(call, call.name, ANSWER);
        }
        if (call.started) {
            if (!d.argumentsDelta().isEmpty()) {
                toolCallArgs(call.id, d.argumentsDelta());
            }
        } else {
            call.pendingArgs.append(d.argumentsDelta());
        }
    }

    /** Ends a tool call whose arguments are complete; returns the id the client knows it by. */
    private @Nullable String toolCallDone(LLMEvent.ToolCall c) {
        ToolCallState call = toolCalls.remove(c.index());
        if (call != null && call.started) {
            send(event("TOOL_CALL_END").put("toolCallId", call.id));
            return call.id;
        }
        return wholeToolCall(c, ANSWER);
    }

    /** An agent node's events besides its answer tokens: its tool calls, their results, its thinking. */
    private void agent(GraphEvent.Agent a) {
        switch (a.event()) {
            case AgentEvent.Thinking t -> llm(new LLMEvent.Thinking(t.text()));
            case AgentEvent.Refusal r -> {
                closeReasoning();
                closeText(a.node());
                wholeText(r.text(), a.node());
            }
            case AgentEvent.ToolCallDelta d -> toolCallDelta(d.delta());
            case AgentEvent.ToolStarted t -> {
                String id = toolCallDone(t.call());
                if (id != null) {
                    agentCallIds.put(t.call().id().isEmpty() ? "#" + t.step() + "/" + t.call().index() : t.call().id(),
                            id);
                }
            }
            case AgentEvent.ToolFinished f -> {
                String key = f.call().id().isEmpty() ? "#" + f.step() + "/" + f.call().index() : f.call().id();
                String id = agentCallIds.remove(key);
                if (id != null) {
                    send(event("TOOL_CALL_RESULT").put("messageId", newId("result")).put("toolCallId", id)
                            .put("content", f.result().content()).put("role", "tool"));
                }
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

    // ---- a RAG answer's events ----

    void rag(RAGEvent event) {
        switch (event) {
            case RAGEvent.Sources s -> {
                ObjectNode e = event("CUSTOM").put("name", "sources");
                ArrayNode list = e.putObject("value").putArray("sources");
                for (RetrievedChunk c : s.chunks()) {
                    list.addObject().put("source", c.source()).put("text", c.text()).put("score", c.score());
                }
                send(e);
            }
            case RAGEvent.Token t -> text(ANSWER, t.text());
            case RAGEvent.Refusal r -> {
                closeTexts();
                wholeText(r.text(), ANSWER);
            }
            case RAGEvent.Usage u -> usage(u.promptTokens(), u.completionTokens());
            case RAGEvent.Done d -> closeTexts();
        }
    }

    // ---- a graph run's events ----

    void graph(GraphEvent event) {
        switch (event) {
            case GraphEvent.NodeStarted s -> send(event("STEP_STARTED").put("stepName", s.node()));
            case GraphEvent.Token t -> text(t.node(), t.text());
            case GraphEvent.Thinking t -> {
                closeText(t.node());
                Text r = openReasoning();
                content(r, t.text());
                endReasoning(r);
            }
            case GraphEvent.Refusal r -> {
                closeText(r.node());
                wholeText(r.text(), r.node());
            }
            case GraphEvent.ToolCall c -> {
                closeText(c.node());
                wholeToolCall(c.call(), c.node());
            }
            case GraphEvent.Usage u -> usage(u.promptTokens(), u.completionTokens());
            case GraphEvent.Agent a -> agent(a);
            case GraphEvent.NodeFinished f -> {
                closeText(f.node());
                stateDelta(f.update().state());
                send(event("STEP_FINISHED").put("stepName", f.node()));
            }
            case GraphEvent.Failed f -> runError(f.error());
            case GraphEvent.Interrupted i -> {
                // A paused run (a checkpointed graph asking a person): what was asked goes to the client as a
                // CUSTOM "interrupt" event and as the run's result; the client resumes the thread in a new run.
                closeText(i.node());
                ObjectNode interrupt = AgUiJson.NODES.objectNode().put("node", i.node())
                        .put("checkpointId", i.checkpointId());
                interrupt.set("payload", AgUiJson.tree(i.payload()));
                ObjectNode custom = event("CUSTOM").put("name", "interrupt");
                custom.set("value", interrupt);
                send(custom);
                runFinished(interrupt);
            }
            case GraphEvent.Done d -> {
                stateDelta(d.state());
                runFinished();
            }
        }
    }

    private void stateDelta(Map<String, @Nullable Object> now) {
        JsonNode next = AgUiJson.tree(now);
        JsonNode before = state == null ? AgUiJson.NODES.objectNode() : state;
        ArrayNode ops = JsonPatch.diff(before, next, AgUiJson.NODES.arrayNode());
        state = next;
        if (!ops.isEmpty()) {
            ObjectNode e = event("STATE_DELTA");
            e.set("delta", ops);
            send(e);
        }
    }

    // ---- the end ----

    /** Ends whatever is open, then sends RUN_FINISHED with the token usage reported, if any. */
    void runFinished() {
        runFinished(null);
    }

    /** Ends whatever is open, then sends RUN_FINISHED with {@code result} (if any) and the usage reported. */
    private void runFinished(@Nullable JsonNode result) {
        if (ended) {
            return;
        }
        closeAll();
        ObjectNode e = event("RUN_FINISHED").put("threadId", threadId).put("runId", runId);
        if (result != null) {
            e.set("result", result);
        }
        if (!usage.isEmpty()) {
            e.set("usage", usage);
        }
        ended = true;
        send(e);
    }

    /**
     * Ends whatever is open (the partial text stays the client's), then sends RUN_ERROR with a message safe to
     * show.
     */
    void runError(Throwable error) {
        if (ended) {
            return;
        }
        closeAll();
        ObjectNode e = event("RUN_ERROR").put("message", AgUiErrors.message(error)).put("code", AgUiErrors.code(error));
        if (!usage.isEmpty()) {
            e.set("usage", usage);
        }
        ended = true;
        send(e);
    }

    private void closeAll() {
        closeReasoning();
        closeTexts();
        for (ToolCallState call : toolCalls.values()) {
            if (call.started) {
                send(event("TOOL_CALL_END").put("toolCallId", call.id));
            }
        }
        toolCalls.clear();
    }

    // ---- building blocks ----

    /** Appends {@code delta} to the open text message of {@code node}, starting one first if none is open. */
    private void text(String node, String delta) {
        if (delta.isEmpty()) {
            return;
        }
        Text text = texts.get(node);
        if (text == null) {
            text = openText(node);
        }
        content(text, delta);
    }

    private Text openText(String node) {
        String id = newId("msg");
        ObjectNode start = event("TEXT_MESSAGE_START").put("messageId", id).put("role", "assistant");
        send(start);
        Text text = new Text(id, contentPrefix("TEXT_MESSAGE_CONTENT", id));
        texts.put(node, text);
        lastTextId.put(node, id);
        return text;
    }

    /** Sends a whole text (a refusal) as a message of its own. */
    private void wholeText(String whole, String node) {
        if (whole.isEmpty()) {
            return;
        }
        Text text = openText(node);
        content(text, whole);
        closeText(node);
    }

    private void closeText(String node) {
        Text text = texts.remove(node);
        if (text != null) {
            send(event("TEXT_MESSAGE_END").put("messageId", text.id()));
        }
    }

    private void closeTexts() {
        for (Iterator<Text> it = texts.values().iterator(); it.hasNext(); ) {
            Text text = it.next();
            it.remove();
            send(event("TEXT_MESSAGE_END").put("messageId", text.id()));
        }
    }

    private Text openReasoning() {
        String id = newId("reasoning");
        send(event("REASONING_START").put("messageId", id));
        send(event("REASONING_MESSAGE_START").put("messageId", id).put("role", "reasoning"));
        return new Text(id, contentPrefix("REASONING_MESSAGE_CONTENT", id));
    }

    private void closeReasoning() {
        if (reasoning != null) {
            endReasoning(reasoning);
            reasoning = null;
        }
    }

    private void endReasoning(Text r) {
        send(event("REASONING_MESSAGE_END").put("messageId", r.id()));
        send(event("REASONING_END").put("messageId", r.id()));
    }

    private void startToolCall(ToolCallState call, String name, String node) {
        // Only this node's text ends: nodes of a fan-out wave stream their own messages at the same time.
        closeReasoning();
        closeText(node);
        if (call.id == null) {
            call.id = newId("call");
        }
        ObjectNode start = event("TOOL_CALL_START").put("toolCallId", call.id).put("toolCallName", name);
        String parent = lastTextId.get(node);
        if (parent != null) {
            start.put("parentMessageId", parent);
        }
        send(start);
        call.started = true;
        if (!call.pendingArgs.isEmpty()) {
            toolCallArgs(call.id, call.pendingArgs.toString());
            call.pendingArgs.setLength(0);
        }
    }

    private @Nullable String wholeToolCall(LLMEvent.ToolCall c, String node) {
        ToolCallState call = new ToolCallState();
        call.id = c.id().isEmpty() ? null : c.id();
        startToolCall(call, c.name(), node);
        toolCallArgs(call.id, c.arguments());
        send(event("TOOL_CALL_END").put("toolCallId", call.id));
        return call.id;
    }

    private void toolCallArgs(@Nullable String id, String delta) {
        send(event("TOOL_CALL_ARGS").put("toolCallId", id).put("delta", delta));
    }

    private void usage(@Nullable Integer in, @Nullable Integer outTokens) {
        ObjectNode u = usage.addObject();
        if (in != null) {
            u.put("inputTokens", in);
        }
        if (outTokens != null) {
            u.put("outputTokens", outTokens);
        }
        if (in != null && outTokens != null) {
            u.put("totalTokens", in + outTokens);
        }
    }

    /** The hot path: one content event, written by hand around the escaped delta. */
    private void content(Text text, String delta) {
        StringBuilder s = new StringBuilder(text.contentPrefix().length() + delta.length() + 8);
        s.append(text.contentPrefix());
        QUOTE.quoteAsString(delta, s);
        s.append("\"}");
        out.accept(s.toString());
    }

    private static String contentPrefix(String type, String id) {
        StringBuilder s = new StringBuilder(64).append("{\"type\":\"").append(type).append("\",\"messageId\":\"");
        QUOTE.quoteAsString(id, s);
        return s.append("\",\"delta\":\"").toString();
    }

    private String newId(String kind) {
        return runId + "-" + kind + "-" + (++ids);
    }

    private static ObjectNode event(String type) {
        return AgUiJson.NODES.objectNode().put("type", type);
    }

    private void send(ObjectNode event) {
        out.accept(AgUiJson.write(event));
    }

    private static JsonNode parsedOrText(String json) {
        try {
            JsonNode parsed = AgUiJson.MAPPER.readTree(json);
            return parsed == null || parsed.isMissingNode() ? AgUiJson.NODES.textNode(json) : parsed;
        } catch (JsonProcessingException e) {
            return AgUiJson.NODES.textNode(json);
        }
    }
}
