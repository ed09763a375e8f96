package io.synapsekit.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.internal.Json;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.stream.QueueTokenBridge;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Token-level streams of graph runs: plain tokens, tokens tagged with their node, Server-Sent Events and
 * WebSocket messages; and {@link #emitToken(String)}, for custom nodes that produce tokens themselves.
 *
 * <p>Each stream starts one run on a new virtual thread and reads its events through a bounded queue, so a slow
 * reader slows the graph and memory stays bounded. The stream holds the run until it is read to the end, fails,
 * or is closed; closing it, from any thread, interrupts the running nodes, closes an LLM stream in flight (the
 * HTTP connection is released), and starts no further node. Use the streams in try-with-resources.
 *
 * <pre>{@code
 * try (Stream<String> tokens = GraphStreams.streamTokens(compiled, Map.of("topic", "vector databases"))) {
 *     tokens.forEach(t -> { System.out.print(t); System.out.flush(); });
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class GraphStreams {

    private GraphStreams() {
    }

    /**
     * Streams the tokens of the final LLM nodes: the {@link LlmNode}s from which no other LLM node can be reached
     * (so a research-then-summarise graph streams the summary only). In a graph without LLM nodes, the tokens of
     * every node. A failure is thrown after the tokens before it.
     */
    public static Stream<String> streamTokens(CompiledGraph graph, Map<String, ?> input) {
        return tokens(graph, input, defaultTokenNodes(graph));
    }

    /**
     * Streams the tokens of the chosen nodes.
     *
     * @throws IllegalArgumentException when a name is not a node of {@code graph}
     */
    public static Stream<String> streamTokens(CompiledGraph graph, Map<String, ?> input, Set<String> nodes) {
        return tokens(graph, input, chosen(graph, nodes));
    }

    /** Streams the tokens of every node, in the order they were emitted. */
    public static Stream<String> streamAllTokens(CompiledGraph graph, Map<String, ?> input) {
        return tokens(graph, input, node -> true);
    }

    /** Streams the tokens of every node, each tagged with the node that emitted it. */
    public static Stream<GraphEvent.Token> streamTaggedTokens(CompiledGraph graph, Map<String, ?> input) {
        return tagged(graph, input, node -> true);
    }

    /** Streams the tokens of the chosen nodes, each tagged with the node that emitted it. */
    public static Stream<GraphEvent.Token> streamTaggedTokens(CompiledGraph graph, Map<String, ?> input,
            Set<String> nodes) {
        return tagged(graph, input, chosen(graph, nodes));
    }

    /** Returns {@link #sseStream(CompiledGraph, Map, SseOptions)} with {@link SseOptions#defaults()}. */
    public static Stream<SseEvent> sseStream(CompiledGraph graph, Map<String, ?> input) {
        return sseStream(graph, input, SseOptions.defaults());
    }

    /**
     * Streams a run as plain Server-Sent Events, for the server's SSE response helper ({@code SseResponse}) to
     * send: each token of the final LLM nodes (or {@link SseOptions#tokenNodes() the chosen ones}) as a
     * {@code message} event, so that a browser's {@code EventSource.onmessage} fires; with
     * {@link SseOptions#nodeEvents()}, an {@code event: node} as each node finishes
     * ({@code {"node":…,"update":{…}}}); when the model of one of those nodes refuses to answer, an
     * {@code event: refusal} ({@code {"node":…,"text":…}}), so that the client sees why no answer came; and on failure a last {@code event: error}
     * ({@code {"node":…,"message":…}}) instead of an exception. The stream ends when the run does.
     *
     * <p>The events carry no ids, and the stream sends no keep-alive comments and no final {@code [DONE]}: those
     * belong to the connection, not to the run, and the server adds them ({@code SseResponse} numbers the events,
     * sends a keep-alive whenever the source is silent, and ends with {@code [DONE]}), so there is one keep-alive
     * setting, the server's.
     */
    public static Stream<SseEvent> sseStream(CompiledGraph graph, Map<String, ?> input, SseOptions options) {
        Objects.requireNonNull(options, "options");
        return graph.start(input, sseTokenNodes(graph, options), sseMapper(options, null)).stream();
    }

    /**
     * Streams a run of thread {@code threadId} (see {@link CompiledGraph#invoke(String, Map)}) as
     * {@link #sseStream(CompiledGraph, Map, SseOptions)} does; a run that pauses for a person ends with an
     * {@code event: interrupt}, {@code {"thread_id":…,"node":…,"payload":…,"checkpoint_id":…}}, and
     * {@link #sseResume} continues it, typically from a POST carrying the thread id and the person's value.
     *
     * @throws IllegalStateException when the graph has no checkpointer
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     */
    public static Stream<SseEvent> sseStream(CompiledGraph graph, String threadId, Map<String, ?> input,
            SseOptions options) {
        Objects.requireNonNull(options, "options");
        return graph.start(threadId, input, sseTokenNodes(graph, options), sseMapper(options, threadId)).stream();
    }

    /**
     * Resumes the paused (or stopped) run of thread {@code threadId} with {@code value} (see
     * {@link CompiledGraph#resume}) and streams it as {@link #sseStream(CompiledGraph, String, Map, SseOptions)}
     * does, ending with another {@code event: interrupt} if it pauses again.
     *
     * @throws IllegalArgumentException when the thread has no checkpoint
     * @throws IllegalStateException when the thread has nothing to resume, or the graph no checkpointer
     * @throws CheckpointConflictException when another resume of the thread came first
     */
    public static Stream<SseEvent> sseResume(CompiledGraph graph, String threadId, @Nullable Object value,
            SseOptions options) {
        Objects.requireNonNull(options, "options");
        return graph.resume(threadId, null, value, sseTokenNodes(graph, options), sseMapper(options, threadId))
                .stream();
    }

    /**
     * Resumes thread {@code threadId} as {@link #sseResume(CompiledGraph, String, Object, SseOptions)} does, only
     * while checkpoint {@code checkpointId} (the {@code checkpoint_id} of the {@code interrupt} event answered) is
     * its head: see {@link CompiledGraph#resume(String, String, Object)}.
     *
     * @throws CheckpointConflictException when the head is no longer {@code checkpointId}
     */
    public static Stream<SseEvent> sseResume(CompiledGraph graph, String threadId, String checkpointId,
            @Nullable Object value, SseOptions options) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(options, "options");
        return graph.resume(threadId, checkpointId, value, sseTokenNodes(graph, options),
                sseMapper(options, threadId)).stream();
    }

    private static Predicate<String> sseTokenNodes(CompiledGraph graph, SseOptions options) {
        return options.tokenNodes().map(n -> chosen(graph, n)).orElseGet(() -> defaultTokenNodes(graph));
    }

    private static EventMapper<SseEvent> sseMapper(SseOptions options, @Nullable String threadId) {
        return (e, out) -> {
            switch (e) {
                case GraphEvent.Token t -> out.accept(SseEvent.message(t.text()));
                case GraphEvent.NodeFinished f when options.nodeEvents() -> {
                    ObjectNode json = Json.object().put("node", f.node());
                    json.set("update", JsonValues.tree(f.update().update()));
                    out.accept(SseEvent.of("node", json.toString()));
                }
                case GraphEvent.Refusal r -> out.accept(SseEvent.of("refusal",
                        Json.object().put("node", r.node()).put("text", r.text()).toString()));
                case GraphEvent.Failed f -> out.accept(SseEvent.of("error",
                        Json.object().put("node", f.node()).put("message", f.error().getMessage()).toString()));
                case GraphEvent.Interrupted i -> out.accept(SseEvent.of("interrupt",
                        interrupt(Json.object().put("thread_id", threadId), i).toString()));
                default -> { }
            }
        };
    }

    /** Adds an interrupt's node, payload and checkpoint id to {@code json}. */
    private static ObjectNode interrupt(ObjectNode json, GraphEvent.Interrupted i) {
        json.put("node", i.node());
        json.set("payload", Json.MAPPER.valueToTree(i.payload()));   // a JSON value already: it was checkpointed
        return json.put("checkpoint_id", i.checkpointId());
    }

    /** Streams the final LLM nodes' tokens for sending as WebSocket text frames; a failure is thrown after them. */
    public static Stream<String> wsStream(CompiledGraph graph, Map<String, ?> input) {
        return streamTokens(graph, input);
    }

    /**
     * Streams a run as structured WebSocket messages, one JSON object per frame: {@code {"type":"token",
     * "content":…,"session_id":…}} per token of the final LLM nodes, {@code {"type":"refusal","content":…,
     * "session_id":…}} when the model of one of them refuses to answer, then {@code {"type":"done","session_id":…}},
     * or, on failure, {@code {"type":"error","content":…,"session_id":…}} (which does not throw).
     */
    public static Stream<String> wsMessages(CompiledGraph graph, Map<String, ?> input, String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return graph.start(input, defaultTokenNodes(graph), wsMapper(sessionId, null)).stream();
    }

    /**
     * Streams a run of thread {@code threadId} (see {@link CompiledGraph#invoke(String, Map)}) as structured
     * WebSocket messages, as {@link #wsMessages(CompiledGraph, Map, String)} does; a run that pauses for a person
     * ends with {@code {"type":"interrupt","thread_id":…,"node":…,"payload":…,"checkpoint_id":…,
     * "session_id":…}} instead of {@code done}, and {@link #wsResume} continues it when the client answers with
     * {@code {"type":"resume","thread_id":…,"value":…}}.
     *
     * @throws IllegalStateException when the graph has no checkpointer
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     */
    public static Stream<String> wsMessages(CompiledGraph graph, String threadId, Map<String, ?> input,
            String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return graph.start(threadId, input, defaultTokenNodes(graph), wsMapper(sessionId, threadId)).stream();
    }

    /**
     * Resumes the paused (or stopped) run of thread {@code threadId} with {@code value} (see
     * {@link CompiledGraph#resume}) and streams it as {@link #wsMessages(CompiledGraph, String, Map, String)} does.
     *
     * @throws IllegalArgumentException when the thread has no checkpoint
     * @throws IllegalStateException when the thread has nothing to resume, or the graph no checkpointer
     * @throws CheckpointConflictException when another resume of the thread came first
     */
    public static Stream<String> wsResume(CompiledGraph graph, String threadId, @Nullable Object value,
            String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        return graph.resume(threadId, null, value, defaultTokenNodes(graph), wsMapper(sessionId, threadId)).stream();
    }

    /**
     * Resumes thread {@code threadId} as {@link #wsResume(CompiledGraph, String, Object, String)} does, only while
     * checkpoint {@code checkpointId} (the {@code checkpoint_id} of the interrupt frame answered) is its head: see
     * {@link CompiledGraph#resume(String, String, Object)}.
     *
     * @throws CheckpointConflictException when the head is no longer {@code checkpointId}
     */
    public static Stream<String> wsResume(CompiledGraph graph, String threadId, String checkpointId,
            @Nullable Object value, String sessionId) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(sessionId, "sessionId");
        return graph.resume(threadId, checkpointId, value, defaultTokenNodes(graph), wsMapper(sessionId, threadId))
                .stream();
    }

    private static EventMapper<String> wsMapper(String sessionId, @Nullable String threadId) {
        return (e, out) -> {
            switch (e) {
                case GraphEvent.Token t -> out.accept(Json.object().put("type", "token").put("content", t.text())
                        .put("session_id", sessionId).toString());
                case GraphEvent.Refusal r -> out.accept(Json.object().put("type", "refusal")
                        .put("content", r.text()).put("session_id", sessionId).toString());
                case GraphEvent.Failed f -> out.accept(Json.object().put("type", "error")
                        .put("content", f.error().getMessage()).put("session_id", sessionId).toString());
                case GraphEvent.Done d -> out.accept(
                        Json.object().put("type", "done").put("session_id", sessionId).toString());
                case GraphEvent.Interrupted i -> out.accept(interrupt(Json.object().put("type", "interrupt")
                        .put("thread_id", threadId), i).put("session_id", sessionId).toString());
                default -> { }
            }
        };
    }

    /**
     * Sends {@code token} from the node running on this thread to the stream that runs the graph, waiting while
     * the stream's queue is full. For custom nodes that produce text themselves; {@link LlmNode} uses it too.
     *
     * @return {@code true} when a stream took the token; {@code false} when nobody wants this node's tokens
     *     (outside a token stream, in {@link CompiledGraph#invoke}, or a node not chosen), so the node may skip work
     * @throws InterruptedException when the stream was closed, cancelling the run; let it propagate
     */
    public static boolean emitToken(String token) throws InterruptedException {
        Objects.requireNonNull(token, "token");
        TokenSink sink = TokenSink.current();
        if (sink == null) {
            return false;
        }
        sink.emit(token);
        return true;
    }

    private static Stream<String> tokens(CompiledGraph graph, Map<String, ?> input, Predicate<String> nodes) {
        return graph.start(input, nodes, GraphStreams::tokenItems).stream();
    }

    static void tokenItems(GraphEvent e, QueueTokenBridge.Sink<String> out) throws InterruptedException {
        switch (e) {
            case GraphEvent.Token t -> out.accept(t.text());
            case GraphEvent.Failed f -> throw f.error();
            default -> { }
        }
    }

    private static Stream<GraphEvent.Token> tagged(CompiledGraph graph, Map<String, ?> input,
            Predicate<String> nodes) {
        return graph.start(input, nodes, (GraphEvent e, QueueTokenBridge.Sink<GraphEvent.Token> out) -> {
            switch (e) {
                case GraphEvent.Token t -> out.accept(t);
                case GraphEvent.Failed f -> throw f.error();
                default -> { }
            }
        }).stream();
    }

    static Predicate<String> defaultTokenNodes(CompiledGraph graph) {
        Set<String> finals = graph.finalLlmNodes();
        return finals.isEmpty() ? node -> true : finals::contains;
    }

    private static Predicate<String> chosen(CompiledGraph graph, Set<String> nodes) {
        Objects.requireNonNull(nodes, "nodes");
        for (String n : nodes) {
            if (!graph.hasNode(n)) {
                throw new IllegalArgumentException("unknown node '" + n + "'; nodes: " + graph.nodeNames());
            }
        }
        Set<String> copy = Set.copyOf(nodes);
        return copy::contains;
    }
}
