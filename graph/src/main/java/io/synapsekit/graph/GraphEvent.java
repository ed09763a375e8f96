package io.synapsekit.graph;

import io.synapsekit.llm.LLMEvent;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing that happened during a graph run, for UIs that show progress: a node started, a node emitted a
 * token, a node's model sent something besides its answer (thinking, a refusal, a tool call, usage), a node
 * finished, the run failed, or the run is done.
 *
 * <p>A run's event stream is, per node, {@code NodeStarted}, its {@code Token}s, then for an {@link LlmNode} what its
 * model sent besides the answer ({@code Thinking}, {@code Refusal}, {@code ToolCall}s, {@code Usage}, each only when
 * sent), for an {@link AgentNode} its {@code Agent} events among its tokens, then {@code NodeFinished}; then exactly
 * one {@code Done}, {@code Failed} or, for a run of a thread that paused, {@code Interrupted}, which is last.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * try (Stream<GraphEvent> events = compiled.events(input)) {
 *     events.forEach(e -> {
 *         switch (e) {
 *             case GraphEvent.NodeStarted s -> ui.spinner(s.node());
 *             case GraphEvent.Token t -> ui.append(t.node(), t.text());
 *             case GraphEvent.Refusal r -> ui.refused(r.node(), r.text());
 *             case GraphEvent.Thinking th -> ui.thought(th.node(), th.text());
 *             case GraphEvent.ToolCall c -> ui.toolCall(c.node(), c.call().name());
 *             case GraphEvent.Usage u -> log.info("{}: {} tokens out", u.node(), u.completionTokens());
 *             case GraphEvent.Agent a -> ui.agent(a.node(), a.event());
 *             case GraphEvent.NodeFinished f -> ui.done(f.node(), f.update().update());
 *             case GraphEvent.Failed f -> ui.error(f.node(), f.error().getMessage());
 *             case GraphEvent.Done d -> ui.result(d.state());
 *             case GraphEvent.Interrupted i -> ui.ask(i.node(), i.payload());
 *         }
 *     });
 * }
 * }</pre>
 */
public sealed interface GraphEvent {

    /** A node began executing. */
    record NodeStarted(String node) implements GraphEvent {
        public NodeStarted {
            Objects.requireNonNull(node, "node");
        }
    }

    /** A node (typically an {@link LlmNode}) emitted a token of its output. */
    record Token(String node, String text) implements GraphEvent {
        public Token {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A node's model's reasoning ("thinking") text, whole. Sent by an {@link LlmNode} after its answer ended, when
     * its tokens are wanted and the model sent any; never part of the answer text or the state.
     *
     * @param node the node whose model thought
     * @param text the thinking text
     */
    record Thinking(String node, String text) implements GraphEvent {
        public Thinking {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A node's model refused to answer: the refusal, whole, in the model's own words (OpenAI's {@code refusal}).
     * Sent by an {@link LlmNode} after its answer ended, when its tokens are wanted; never part of the answer
     * text, never among the tokens of a token stream, and never added to the state.
     *
     * @param node the node whose model refused
     * @param text the refusal
     */
    record Refusal(String node, String text) implements GraphEvent {
        public Refusal {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A tool call a node's model made, assembled. Sent by an {@link LlmNode} after its answer ended, one per
     * call in the model's order, when its tokens are wanted; not added to the state.
     *
     * @param node the node whose model called the tool
     * @param call the call: id, function name and JSON arguments
     */
    record ToolCall(String node, LLMEvent.ToolCall call) implements GraphEvent {
        public ToolCall {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(call, "call");
        }
    }

    /**
     * Token counts as a node's model's provider reported them for its answer; never estimated. Sent by an
     * {@link LlmNode} after its answer ended, when its tokens are wanted and the provider reported usage. A
     * {@code null} count was not reported.
     *
     * @param node the node whose model answered
     * @param promptTokens input tokens, or {@code null}
     * @param completionTokens output tokens, or {@code null}
     */
    record Usage(String node, @Nullable Integer promptTokens, @Nullable Integer completionTokens)
            implements GraphEvent {
        public Usage {
            Objects.requireNonNull(node, "node");
        }
    }

    /**
     * Something an {@link AgentNode}'s agent did besides writing answer text: a step began or ended (with its
     * usage), it thought, refused, wrote part of a tool call, started or finished a tool, or gave its final answer.
     * Its text arrives as {@link Token}s, like any node's; everything else as this, as it happens, when the node's
     * tokens are wanted.
     *
     * @param node the agent's node
     * @param event what the agent did; never an {@link io.synapsekit.agent.AgentEvent.Token}
     */
    record Agent(String node, io.synapsekit.agent.AgentEvent event) implements GraphEvent {
        public Agent {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(event, "event");
        }
    }

    /** A node finished; its update has been merged. */
    record NodeFinished(NodeUpdate update) implements GraphEvent {
        public NodeFinished {
            Objects.requireNonNull(update, "update");
        }

        /** Returns the node's name. */
        public String node() {
            return update.node();
        }
    }

    /**
     * The run failed; this is the last event. {@code error.state()} holds the state reached so far.
     *
     * @param node the node that failed or routed nowhere; {@code ""} when no node is to blame
     * @param error the failure
     */
    record Failed(String node, GraphException error) implements GraphEvent {
        public Failed {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(error, "error");
        }
    }

    /** The run ended at {@link StateGraph#END}; this is the last event. */
    record Done(Map<String, @Nullable Object> state) implements GraphEvent {
        // Explicit rather than compact, as NodeUpdate's: so that the parameter's nullness reaches the class file.
        public Done(Map<String, @Nullable Object> state) {
            this.state = NodeUpdate.frozen(state);
        }
    }

    /**
     * The run of a thread paused; this is the last event. The thread's head checkpoint holds the run, and
     * {@link CompiledGraph#resume} continues it, in this JVM or another.
     *
     * @param node the node that {@linkplain Interrupt#ask asked}, or before or after which the run stopped
     * @param payload what the node asked, as a JSON value; {@code null} for {@code interruptBefore/After}
     * @param checkpointId the checkpoint that holds the paused run
     */
    record Interrupted(String node, @Nullable Object payload, String checkpointId) implements GraphEvent {
        public Interrupted {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(checkpointId, "checkpointId");
        }
    }
}
