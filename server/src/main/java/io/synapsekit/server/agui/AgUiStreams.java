package io.synapsekit.server.agui;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.server.SseResponse;
import io.synapsekit.sse.SseEvent;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams of AG-UI events, one {@code message} Server-Sent Event each with one JSON event as its data, from an
 * LLM's, a RAG answer's or a graph run's typed events: what an AG-UI client ({@code @ag-ui/client}'s
 * {@code HttpAgent}, CopilotKit) reads from the answer to its {@code POST}.
 *
 * <p>Every stream starts with {@code RUN_STARTED} and ends with {@code RUN_FINISHED} (with the token usage the
 * provider reported) or, when the source fails, {@code RUN_ERROR} with a message safe to show; it never throws a
 * source's failure. Between them:
 * <ul>
 *   <li>answer text as {@code TEXT_MESSAGE_START}/{@code TEXT_MESSAGE_CONTENT}/{@code TEXT_MESSAGE_END}; a refusal
 *       as a text message of its own;
 *   <li>thinking as {@code REASONING_START}, {@code REASONING_MESSAGE_START}/{@code _CONTENT}/{@code _END},
 *       {@code REASONING_END};
 *   <li>tool calls as {@code TOOL_CALL_START}/{@code TOOL_CALL_ARGS}/{@code TOOL_CALL_END}, the arguments streamed
 *       as the model writes them when the source streams them (an LLM), whole otherwise (a graph node);
 *   <li>a RAG answer's sources as a {@code CUSTOM} event named {@code sources}, before the text;
 *   <li>a graph run's initial state as {@code STATE_SNAPSHOT}, then per node {@code STEP_STARTED}, its events,
 *       a {@code STATE_DELTA} (an RFC 6902 JSON Patch from the previous state, when the node changed it) and
 *       {@code STEP_FINISHED}.
 * </ul>
 *
 * <p>Serve them with an {@link SseResponse} built with {@link SseResponse.Builder#sendDone(boolean) sendDone(false)}:
 * an AG-UI client parses every {@code data:} line as JSON, and {@code [DONE]} is not JSON.
 *
 * <pre>{@code
 * SseResponse sse = SseResponse.builder().sendDone(false).build();
 * RunAgentInput input = RunAgentInput.parse(body);
 * sse.stream(sink, AgUiStreams.graph(input, compiled, input.state()));
 * }</pre>
 *
 * <p>Each stream reads its source lazily on the consuming thread; closing it closes the source (cancelling the LLM
 * request or the graph run). Stateless and thread-safe; each returned stream is read by one thread.
 */
public final class AgUiStreams {

    private static final Logger log = LoggerFactory.getLogger(AgUiStreams.class);

    private AgUiStreams() {
    }

    /** Streams an LLM's answer ({@code llm.events(…)}) as a run of {@code input}. */
    public static Stream<SseEvent> llm(RunAgentInput input, Stream<LLMEvent> events) {
        return encode(input, events, null, AgUiEncoder::llm);
    }

    /** Streams a RAG answer ({@code rag.events(…)}) as a run of {@code input}. */
    public static Stream<SseEvent> rag(RunAgentInput input, Stream<RAGEvent> events) {
        return encode(input, events, null, AgUiEncoder::rag);
    }

    /**
     * Runs {@code graph} from {@code state} and streams the run as a run of {@code input}: the state as the first
     * snapshot, each node's changes to it as deltas.
     */
    public static Stream<SseEvent> graph(RunAgentInput input, CompiledGraph graph, Map<String, ?> state) {
        Objects.requireNonNull(graph, "graph");
        Map<String, @Nullable Object> initial = new LinkedHashMap<>(Objects.requireNonNull(state, "state"));
        return encode(input, graph.events(initial), initial, AgUiEncoder::graph);
    }

    /**
     * Streams a graph run already started, such as a checkpointed thread's ({@code graph.events(threadId, …)} or
     * {@code graph.resume(…)}), as a run of {@code input}: {@code state} as the first snapshot, each node's changes
     * as deltas. A run that pauses for a person ends with a {@code CUSTOM} event named {@code interrupt} (the node,
     * what it asks, the checkpoint id), also the {@code RUN_FINISHED} result.
     */
    public static Stream<SseEvent> graph(RunAgentInput input, Stream<GraphEvent> events, Map<String, ?> state) {
        Map<String, @Nullable Object> initial = new LinkedHashMap<>(Objects.requireNonNull(state, "state"));
        return encode(input, events, initial, AgUiEncoder::graph);
    }

    /** Returns a run of {@code input} that failed before it produced anything: RUN_STARTED, then RUN_ERROR. */
    public static Stream<SseEvent> failed(RunAgentInput input, Throwable error) {
        Objects.requireNonNull(error, "error");
        return encode(input, Stream.<Object>generate(() -> {
            throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
        }), null, (encoder, e) -> { });
    }

    private static <E> Stream<SseEvent> encode(RunAgentInput input, Stream<E> source,
            @Nullable Map<String, ?> initialState, BiConsumer<AgUiEncoder, E> feed) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(source, "source");
        Encoded<E> encoded = new Encoded<>(input, source, feed);
        encoded.encoder.runStarted();
        if (initialState != null) {
            encoded.encoder.stateSnapshot(initialState);
        }
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(encoded,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(encoded::close);
    }

    /** Pulls the source's events one at a time and hands out the AG-UI events each turns into. */
    private static final class Encoded<E> implements Iterator<SseEvent> {
        private final ArrayDeque<String> pending = new ArrayDeque<>();
        private final AgUiEncoder encoder;
        private final Stream<E> source;
        private final BiConsumer<AgUiEncoder, E> feed;
        private @Nullable Iterator<E> events;
        private boolean done;
        private volatile boolean closed;

        Encoded(RunAgentInput input, Stream<E> source, BiConsumer<AgUiEncoder, E> feed) {
            this.encoder = new AgUiEncoder(input.threadId(), input.runId(), pending::add);
            this.source = source;
            this.feed = feed;
        }

        @Override
        public boolean hasNext() {
            while (pending.isEmpty() && !done) {
                pull();
            }
            return !pending.isEmpty();
        }

        private void pull() {
            try {
                if (events == null) {
                    events = source.iterator();
                }
                if (events.hasNext()) {
                    feed.accept(encoder, events.next());
                } else {
                    encoder.runFinished();
                }
            } catch (RuntimeException e) {
                if (closed) {
                    log.debug("AG-UI source ended after the stream was closed", e);
                } else {
                    log.warn("AG-UI source failed; sending RUN_ERROR", e);
                }
                encoder.runError(e);
            }
            done = encoder.ended();
        }

        @Override
        public SseEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return SseEvent.message(pending.poll());
        }

        void close() {
            closed = true;
            source.close();
        }
    }
}
