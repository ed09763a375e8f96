package io.synapsekit.graph;

import io.synapsekit.internal.Observers;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.stream.QueueTokenBridge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BinaryOperator;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A checked, runnable graph, made by {@link StateGraph#compile()}.
 *
 * <p>Immutable and thread-safe: compile once, run it from many threads at once; each run has its own state.
 *
 * <p>{@link #invoke} runs on the calling thread. The streams run the graph on a new virtual thread named
 * {@code synapsekit-graph-run-N} and hand its events over through a bounded queue: a slow reader slows the run,
 * and memory stays bounded. Each stream holds that thread (and those of a fan-out wave) until it is read to the
 * end, fails, or is closed; closing it, from any thread, interrupts the running nodes (an LLM node then closes
 * its HTTP stream), starts no further node, and lets every thread of the run end. Use them in try-with-resources.
 */
public final class CompiledGraph {

    /** How many events may wait between a run and its reader. */
    static final int QUEUE_CAPACITY = 256;

    private static final AtomicLong RUNS = new AtomicLong();

    private final Map<String, Node> nodes;
    private final Map<String, StateGraph.Route> routes;
    private final Map<String, BinaryOperator<@Nullable Object>> reducers;
    private final String entryPoint;
    private final int stepLimit;
    private final Set<String> finalLlmNodes;
    private final Map<String, List<String>> targets;
    private final List<LLMListener> listeners;

    CompiledGraph(Map<String, Node> nodes, List<StateGraph.Edge> edges, Map<String, StateGraph.Route> routes,
            Map<String, BinaryOperator<@Nullable Object>> reducers, String entryPoint, int stepLimit,
            Map<String, List<String>> successors, List<LLMListener> listeners) {
        this.listeners = listeners;
        this.nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        this.reducers = Collections.unmodifiableMap(new LinkedHashMap<>(reducers));
        this.entryPoint = entryPoint;
        this.stepLimit = stepLimit;
        this.finalLlmNodes = finalLlmNodes(this.nodes, successors);
        Map<String, List<String>> t = new LinkedHashMap<>();
        for (String name : this.nodes.keySet()) {
            t.put(name, edges.stream().filter(e -> e.from().equals(name) && !e.to().equals(StateGraph.END))
                    .map(StateGraph.Edge::to).toList());
        }
        this.targets = Collections.unmodifiableMap(t);
    }

    /**
     * Runs the graph on a virtual thread of its own and returns the final state. Blocks until every branch ends;
     * interrupting the calling thread cancels the run (a {@link GraphException}, interrupt flag kept), and the run's
     * thread has ended by the time this returns or throws.
     *
     * @param input the initial state; not modified
     * @return the final state, unmodifiable, in insertion order
     * @throws GraphException when a node fails, a route is unknown, the step limit is reached, or the run is
     *     cancelled; {@link GraphException#state()} holds the state reached so far
     */
    public Map<String, @Nullable Object> invoke(Map<String, ?> input) {
        Objects.requireNonNull(input, "input");
        AtomicReference<@Nullable Map<String, @Nullable Object>> result = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        WorkListener observed = Observers.work(listeners, new Work(Work.GRAPH_RUN, "")); // the caller's child
        Thread run = Thread.ofVirtual().name("synapsekit-graph-run").start(() -> {
            try {
                result.set(new GraphRun(this, input, RunListener.SILENT, observed).observedRun());
            } catch (InterruptedException e) {
                failure.set(new GraphException("run cancelled by interrupt", null, input, e));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                run.join();
                break;
            } catch (InterruptedException e) {
                // Cancel the run, then wait for it: no thread outlives the call.
                interrupted = true;
                run.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new GraphException("run failed: " + t, null, input, t);
        }
        return result.get();
    }

    /**
     * Streams one {@link NodeUpdate} per node execution, as each node finishes. A failure is thrown by the stream
     * after the updates before it. Close the stream, or read it to its end.
     */
    public Stream<NodeUpdate> stream(Map<String, ?> input) {
        return start(input, node -> false, (GraphEvent e, QueueTokenBridge.Sink<NodeUpdate> out) -> {
            switch (e) {
                case GraphEvent.NodeFinished f -> out.accept(f.update());
                case GraphEvent.Failed f -> throw f.error();
                default -> { }
            }
        }).stream();
    }

    /**
     * Streams every event of a run: node started, tokens of every node, node finished, then {@link
     * GraphEvent.Done} or {@link GraphEvent.Failed} last. A failure arrives as the {@code Failed} event, not as an
     * exception. Close the stream, or read it to its end.
     */
    public Stream<GraphEvent> events(Map<String, ?> input) {
        return start(input, node -> true, EventMapper.IDENTITY).stream();
    }

    /**
     * Starts a run on its own thread and returns the bridge that hands over its events, each turned into items by
     * {@code mapper} on the run's side; tokens of the nodes {@code tokens} accepts are emitted as events.
     */
    <T> QueueTokenBridge<T> start(Map<String, ?> input, Predicate<String> tokens, EventMapper<T> mapper) {
        Map<String, @Nullable Object> copy = new LinkedHashMap<>(Objects.requireNonNull(input, "input"));
        WorkListener observed = Observers.work(listeners, new Work(Work.GRAPH_RUN, "")); // the caller's child
        return QueueTokenBridge.start("synapsekit-graph-run-" + RUNS.incrementAndGet(), QUEUE_CAPACITY, sink -> {
            RunListener listener = new RunListener() {
                @Override
                public void on(GraphEvent event) throws InterruptedException {
                    mapper.map(event, sink);
                }

                @Override
                public boolean wantsTokens(String node) {
                    return tokens.test(node);
                }
            };
            Map<String, @Nullable Object> result;
            try {
                result = new GraphRun(this, copy, listener, observed).observedRun();
            } catch (GraphException e) {
                listener.on(new GraphEvent.Failed(e.node().orElse(""), e));
                return;
            }
            listener.on(new GraphEvent.Done(result));
        });
    }

    /** Returns the listeners that observe this graph's runs and nodes. */
    List<LLMListener> listeners() {
        return listeners;
    }

    /** Returns the LLM nodes from which no other LLM node is reachable (all LLM nodes when each reaches another). */
    Set<String> finalLlmNodes() {
        return finalLlmNodes;
    }

    private static Set<String> finalLlmNodes(Map<String, Node> nodes, Map<String, List<String>> successors) {
        List<String> llm = new ArrayList<>();
        nodes.forEach((name, node) -> {
            if (node instanceof LlmNode) {
                llm.add(name);
            }
        });
        Set<String> finals = new LinkedHashSet<>();
        for (String name : llm) {
            Set<String> after = new LinkedHashSet<>();
            for (String s : successors.getOrDefault(name, List.of())) {
                after.addAll(StateGraph.reachable(s, successors));
            }
            boolean reachesOther = llm.stream().anyMatch(o -> !o.equals(name) && after.contains(o));
            if (!reachesOther) {
                finals.add(name);
            }
        }
        // In a cycle through several LLM nodes each reaches another; then all of them are "final".
        return Collections.unmodifiableSet(finals.isEmpty() ? new LinkedHashSet<>(llm) : finals);
    }

    Node node(String name) {
        return nodes.get(name);
    }

    boolean hasNode(String name) {
        return nodes.containsKey(name);
    }

    Set<String> nodeNames() {
        return nodes.keySet();
    }

    /** Returns the plain edge targets of {@code name} (not END), in declaration order. */
    List<String> targets(String name) {
        return targets.get(name);
    }

    Map<String, StateGraph.Route> routes() {
        return routes;
    }

    Map<String, BinaryOperator<@Nullable Object>> reducers() {
        return reducers;
    }

    String entryPoint() {
        return entryPoint;
    }

    int stepLimit() {
        return stepLimit;
    }
}
