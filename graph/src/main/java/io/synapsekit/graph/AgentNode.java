package io.synapsekit.graph;

import io.synapsekit.agent.Agent;
import io.synapsekit.agent.AgentEvent;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Node} that runs an {@link Agent}: it reads its prompt from the state (the value at
 * {@link #promptKey(String) promptKey}, default {@code "input"}) and writes the agent's final answer to
 * {@link #outputKey(String) outputKey}, default {@code "output"}.
 *
 * <pre>{@code
 * graph.addNode("assistant", AgentNode.of(agent).promptKey("question").outputKey("answer"));
 * }</pre>
 *
 * <p>Inside a stream that wants this node's tokens ({@link CompiledGraph#events}, {@link GraphStreams}, SSE,
 * WebSocket) the agent's text streams live as {@link GraphEvent.Token}s and everything else it does (steps, tool-call
 * deltas, tools started and finished, usage, the final answer) as {@link GraphEvent.Agent} events, as it happens.
 * When the run is cancelled the node's thread is interrupted and the agent's stream closed: its model call is
 * cancelled and its running tools interrupted.
 *
 * <p>Immutable and thread-safe: each method returns a changed copy.
 */
public final class AgentNode implements Node {

    private final Agent agent;
    private final String promptKey;
    private final String outputKey;

    private AgentNode(Agent agent, String promptKey, String outputKey) {
        this.agent = agent;
        this.promptKey = promptKey;
        this.outputKey = outputKey;
    }

    /** Returns a node running {@code agent} on the state's {@code "input"}, writing its answer to {@code "output"}. */
    public static AgentNode of(Agent agent) {
        return new AgentNode(Objects.requireNonNull(agent, "agent"), "input", "output");
    }

    /** Returns a copy that reads its prompt from {@code key}. */
    public AgentNode promptKey(String key) {
        return new AgentNode(agent, nonBlank(key, "promptKey"), outputKey);
    }

    /** Returns a copy that writes the final answer to {@code key}. */
    public AgentNode outputKey(String key) {
        return new AgentNode(agent, promptKey, nonBlank(key, "outputKey"));
    }

    /** Runs the agent and returns {@code {outputKey: final answer}}; streams its events when a reader wants them. */
    @Override
    public Map<String, @Nullable Object> apply(Map<String, @Nullable Object> state) throws InterruptedException {
        Object prompt = state.get(promptKey);
        if (prompt == null) {
            throw new IllegalArgumentException("the state has no value for promptKey '" + promptKey + "'; keys: "
                    + state.keySet());
        }
        TokenSink sink = TokenSink.current();
        try (Stream<AgentEvent> events = agent.events(prompt.toString())) {
            Iterator<AgentEvent> it = events.iterator();
            while (it.hasNext()) {
                AgentEvent e = it.next();
                if (e instanceof AgentEvent.Finished f) {
                    if (sink != null) {
                        sink.send(new GraphEvent.Agent(sink.node(), f));
                    }
                    return Map.of(outputKey, f.answer());
                }
                if (sink != null) {
                    if (e instanceof AgentEvent.Token t) {
                        sink.emit(t.text());
                    } else {
                        sink.send(new GraphEvent.Agent(sink.node(), e));
                    }
                }
            }
        }
        throw new IllegalStateException("the agent's stream ended without a final answer");
    }

    private static String nonBlank(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }

    @Override
    public String toString() {
        return "AgentNode[promptKey=" + promptKey + ", outputKey=" + outputKey + ", " + agent + "]";
    }
}
