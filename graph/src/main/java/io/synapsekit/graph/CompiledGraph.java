package io.synapsekit.graph;

import io.synapsekit.internal.Observers;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.stream.QueueTokenBridge;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BinaryOperator;
import java.util.function.Function;
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
    private final @Nullable Checkpointer checkpointer;
    private final Set<String> interruptBefore;
    private final Set<String> interruptAfter;
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
        this.checkpointer = null;
        this.interruptBefore = Set.of();
        this.interruptAfter = Set.of();
    }

    private CompiledGraph(CompiledGraph from, @Nullable Checkpointer checkpointer, Set<String> interruptBefore,
            Set<String> interruptAfter) {
        this.nodes = from.nodes;
        this.routes = from.routes;
        this.reducers = from.reducers;
        this.entryPoint = from.entryPoint;
        this.stepLimit = from.stepLimit;
        this.finalLlmNodes = from.finalLlmNodes;
        this.targets = from.targets;
        this.listeners = from.listeners;
        this.checkpointer = checkpointer;
        this.interruptBefore = interruptBefore;
        this.interruptAfter = interruptAfter;
    }

    /**
     * Returns a copy of this graph whose runs of a thread ({@link #stream(String, Map)} and the like) store a
     * checkpoint in {@code checkpointer} after every wave, and so can pause, be resumed (in this JVM or another),
     * be inspected and be forked. Runs without a thread id stay as they are: nothing is stored.
     *
     * <p>In those runs, state values are stored as JSON, and nodes see them as JSON values (maps, lists, strings,
     * numbers, booleans, {@code null}) whether the run was resumed or not; a value Jackson cannot write fails the
     * run at once with a {@link StateSerializationException} naming its key.
     */
    public CompiledGraph withCheckpointer(Checkpointer checkpointer) {
        return new CompiledGraph(this, Objects.requireNonNull(checkpointer, "checkpointer"), interruptBefore,
                interruptAfter);
    }

    /**
     * Returns a copy of this graph whose thread runs pause before running any of {@code nodes} (a wave holding one
     * of them does not start), ending their events with {@link GraphEvent.Interrupted}; {@link #resume} runs the
     * wave. Replaces the nodes given before. Runs without a thread id do not pause.
     *
     * @throws IllegalArgumentException when a name is not a node
     */
    public CompiledGraph interruptBefore(String... nodes) {
        return new CompiledGraph(this, checkpointer, known(nodes), interruptAfter);
    }

    /**
     * Returns a copy of this graph whose thread runs pause after the wave that ran any of {@code nodes} (its
     * checkpoint is stored first), unless the run ends there. Replaces the nodes given before.
     *
     * @throws IllegalArgumentException when a name is not a node
     */
    public CompiledGraph interruptAfter(String... nodes) {
        return new CompiledGraph(this, checkpointer, interruptBefore, known(nodes));
    }

    private Set<String> known(String... names) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (!this.nodes.containsKey(Objects.requireNonNull(n, "node"))) {
                throw new IllegalArgumentException("unknown node '" + n + "'; nodes: " + this.nodes.keySet());
            }
            out.add(n);
        }
        return Collections.unmodifiableSet(out);
    }

    boolean interruptsBefore(String node) {
        return interruptBefore.contains(node);
    }

    boolean interruptsAfter(String node) {
        return interruptAfter.contains(node);
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
        return invoke(listener -> new GraphRun(this, input, listener), input);
    }

    private Map<String, @Nullable Object> invoke(Function<RunListener, GraphRun> runs, Map<String, ?> input) {
        AtomicReference<@Nullable Map<String, @Nullable Object>> result = new AtomicReference<>();
        AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
        WorkListener observed = Observers.work(listeners, new Work(Work.GRAPH_RUN, "")); // the caller's child
        Thread run = Thread.ofVirtual().name("synapsekit-graph-run").start(() -> {
            try {
                GraphRun r = runs.apply(RunListener.SILENT);
                Map<String, @Nullable Object> state = r.observedRun(observed);
                if (r.paused() != null) {
                    throw new RunPausedException(r.paused(), state);
                }
                result.set(state);
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
        return start(input, node -> false, CompiledGraph::updates).stream();
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
     * Runs the graph as a run of thread {@code threadId}, as {@link #invoke(Map)} does, storing a checkpoint after
     * every wave. The run starts at the entry point from the thread's last state (empty for a new thread) with
     * {@code input} merged in through the reducers.
     *
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     * @throws RunPausedException when the run paused; {@link #resume} continues it
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     * @throws GraphException as {@link #invoke(Map)} does
     */
    public Map<String, @Nullable Object> invoke(String threadId, Map<String, ?> input) {
        Checkpoint start = claimNew(threadId, input);
        return invoke(listener -> new GraphRun(this, start, checkpointer, false, listener), start.state());
    }

    /**
     * Streams one {@link NodeUpdate} per node execution of a run of thread {@code threadId} (see
     * {@link #invoke(String, Map)}); a paused run's stream just ends, and {@link #state(String)} says where.
     * The run's first checkpoint is stored before this returns, so a conflict is thrown here.
     *
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     */
    public Stream<NodeUpdate> stream(String threadId, Map<String, ?> input) {
        return start(threadId, input, node -> false, CompiledGraph::updates).stream();
    }

    /**
     * Streams every event of a run of thread {@code threadId} (see {@link #invoke(String, Map)}), ending with
     * {@link GraphEvent.Done}, {@link GraphEvent.Failed} or, when it paused, {@link GraphEvent.Interrupted}.
     *
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     */
    public Stream<GraphEvent> events(String threadId, Map<String, ?> input) {
        return start(threadId, input, node -> true, EventMapper.IDENTITY).stream();
    }

    /**
     * Streams the tokens of the final LLM nodes of a run of thread {@code threadId}, as
     * {@link GraphStreams#streamTokens(CompiledGraph, Map)} does for a run without one; a paused run's stream just
     * ends.
     *
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     */
    public Stream<String> streamTokens(String threadId, Map<String, ?> input) {
        return start(threadId, input, GraphStreams.defaultTokenNodes(this), GraphStreams::tokenItems).stream();
    }

    /**
     * Continues the unfinished run of thread {@code threadId} from its head checkpoint and streams its events, as
     * {@link #events(String, Map)} does. After a pause at {@link Interrupt#ask}, the node that asked runs again
     * from its start and its call returns {@code value}; after {@code interruptBefore}, the held wave runs; after
     * {@code interruptAfter}, a failure, a crash or a {@linkplain #fork fork}, the run goes on from the head.
     * Nodes whose updates the head holds do not run again. A new head is stored before this returns, so of two
     * resumes of one thread, one goes on and the other throws the conflict here.
     *
     * @param value the answer to the pending {@code ask} (a JSON value once stored); ignored for other pauses
     * @throws IllegalArgumentException when the thread has no checkpoint
     * @throws IllegalStateException when the thread's last run ended, or the graph has no checkpointer
     * @throws CheckpointConflictException when another run of the thread stored a checkpoint first
     */
    public Stream<GraphEvent> resume(String threadId, @Nullable Object value) {
        return resume(threadId, null, value, node -> true, EventMapper.IDENTITY).stream();
    }

    /**
     * Answers the pause that stored checkpoint {@code checkpointId} ({@link GraphEvent.Interrupted#checkpointId()})
     * and continues the run, as {@link #resume(String, Object)} does, but only while that checkpoint is still the
     * thread's head. A resume bound so cannot continue from another resume's claim (two servers that both saw the
     * pause: the second finds the first's claim as the head and gets the conflict), nor answer a later pause than
     * the one its person saw (a resume sent twice).
     *
     * @throws CheckpointConflictException when the thread's head is no longer {@code checkpointId}
     * @throws IllegalArgumentException when the thread has no checkpoint
     * @throws IllegalStateException when the thread's last run ended, or the graph has no checkpointer
     */
    public Stream<GraphEvent> resume(String threadId, String checkpointId, @Nullable Object value) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        return resume(threadId, checkpointId, value, node -> true, EventMapper.IDENTITY).stream();
    }

    /**
     * Resumes the thread's run (see {@link #resume(String, Object)}) as items of one kind of stream; when
     * {@code expectedHead} is not null, only while it is the thread's head.
     */
    <T> QueueTokenBridge<T> resume(String threadId, @Nullable String expectedHead, @Nullable Object value,
            Predicate<String> tokens, EventMapper<T> mapper) {
        Checkpointer cp = requireCheckpointer();
        Checkpoint head = requireHead(cp, threadId);
        if (expectedHead != null && !expectedHead.equals(head.id())) {
            throw new CheckpointConflictException(threadId, head.version() + 1, "thread '" + threadId
                    + "' moved on: the resume answers checkpoint " + expectedHead + " but the head is "
                    + head.id() + " (version " + head.version() + "); another run of this thread went first");
        }
        if (!head.resumable()) {
            throw new IllegalStateException("thread '" + threadId + "' has nothing to resume: its last run ended; "
                    + "start another with stream(threadId, input)");
        }
        Map<String, List<@Nullable Object>> answers = new LinkedHashMap<>(head.answers());
        Checkpoint.Pause pause = head.pause();
        if (pause != null && pause.kind() == Checkpoint.PauseKind.ASK) {
            List<@Nullable Object> given = new ArrayList<>(answers.getOrDefault(pause.node(), List.of()));
            given.add(CheckpointJson.normalized("resume value", value, pause.node()));
            answers.put(pause.node(), given);
        }
        Checkpoint claim = new Checkpoint(threadId, GraphRun.newId(), head.id(), head.version() + 1, head.step(),
                head.state(), head.next(), head.writes(), null, answers, Instant.now());
        cp.put(claim);
        boolean skipBefore = pause != null && pause.kind() == Checkpoint.PauseKind.BEFORE;
        return start(listener -> new GraphRun(this, claim, cp, skipBefore, listener), tokens, mapper);
    }

    /** Starts a run of the thread (see {@link #invoke(String, Map)}) as items of one kind of stream. */
    <T> QueueTokenBridge<T> start(String threadId, Map<String, ?> input, Predicate<String> tokens,
            EventMapper<T> mapper) {
        Checkpoint start = claimNew(threadId, input);
        return start(listener -> new GraphRun(this, start, checkpointer, false, listener), tokens, mapper);
    }

    /**
     * Returns the head checkpoint of thread {@code threadId}: its state, the next wave, and the pause if any.
     *
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     */
    public Optional<Checkpoint> state(String threadId) {
        return requireCheckpointer().head(requireThread(threadId));
    }

    /**
     * Returns every checkpoint of thread {@code threadId}, newest first.
     *
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     */
    public List<Checkpoint> history(String threadId) {
        return requireCheckpointer().history(requireThread(threadId), Integer.MAX_VALUE);
    }

    /**
     * Merges {@code update} into the state of thread {@code threadId}, through the reducers, as a new head
     * checkpoint that keeps the head's next wave and pause: a paused run resumed afterwards sees the edited state.
     *
     * @return the new head
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     * @throws StateSerializationException when a value cannot be written as JSON; names the key
     * @throws CheckpointConflictException when a run of the thread stored a checkpoint meanwhile
     */
    public Checkpoint updateState(String threadId, Map<String, ?> update) {
        Checkpointer cp = requireCheckpointer();
        Map<String, @Nullable Object> normalized = CheckpointJson.normalized(Objects.requireNonNull(update,
                "update"), null);
        Checkpoint head = cp.head(requireThread(threadId)).orElse(null);
        Map<String, @Nullable Object> state = new LinkedHashMap<>(head == null ? Map.of() : head.state());
        mergeNormalized(state, normalized);
        Checkpoint c = head == null
                ? new Checkpoint(threadId, GraphRun.newId(), null, 1, 0, state, List.of(), Map.of(), null,
                        Map.of(), Instant.now())
                : new Checkpoint(threadId, GraphRun.newId(), head.id(), head.version() + 1, head.step(), state,
                        head.next(), head.writes(), head.pause(), head.answers(), Instant.now());
        cp.put(c);
        return c;
    }

    /**
     * Makes an earlier checkpoint of thread {@code threadId} its head again (time travel): the new head has that
     * checkpoint's state, next wave, pending writes and pause, and names it as its parent; the checkpoints in
     * between stay in the history. {@link #resume} then runs from there, taking a new path if anything differs.
     *
     * @return the new head
     * @throws IllegalArgumentException when the thread has no checkpoint {@code checkpointId}
     * @throws IllegalStateException when this graph has no {@linkplain #withCheckpointer checkpointer}
     * @throws CheckpointConflictException when a run of the thread stored a checkpoint meanwhile
     */
    public Checkpoint fork(String threadId, String checkpointId) {
        Checkpointer cp = requireCheckpointer();
        Objects.requireNonNull(checkpointId, "checkpointId");
        Checkpoint from = cp.get(requireThread(threadId), checkpointId).orElseThrow(() ->
                new IllegalArgumentException("thread '" + threadId + "' has no checkpoint '" + checkpointId + "'"));
        Checkpoint head = requireHead(cp, threadId);
        Checkpoint c = new Checkpoint(threadId, GraphRun.newId(), from.id(), head.version() + 1, from.step(),
                from.state(), from.next(), from.writes(), from.pause(), from.answers(), Instant.now());
        cp.put(c);
        return c;
    }

    /** Stores the first checkpoint of a new run of the thread: its last state with {@code input} merged in. */
    private Checkpoint claimNew(String threadId, Map<String, ?> input) {
        Checkpointer cp = requireCheckpointer();
        Map<String, @Nullable Object> normalized = CheckpointJson.normalized(Objects.requireNonNull(input, "input"),
                null);
        Checkpoint head = cp.head(requireThread(threadId)).orElse(null);
        Map<String, @Nullable Object> state = new LinkedHashMap<>(head == null ? Map.of() : head.state());
        mergeNormalized(state, normalized);
        Checkpoint c = new Checkpoint(threadId, GraphRun.newId(), head == null ? null : head.id(),
                head == null ? 1 : head.version() + 1, head == null ? 0 : head.step(), state, List.of(entryPoint),
                Map.of(), null, Map.of(), Instant.now());
        cp.put(c);
        return c;
    }

    private Checkpointer requireCheckpointer() {
        if (checkpointer == null) {
            throw new IllegalStateException("runs of a thread need a checkpointer: call withCheckpointer(…) "
                    + "on the compiled graph, e.g. withCheckpointer(new MemoryCheckpointer())");
        }
        return checkpointer;
    }

    private static String requireThread(String threadId) {
        Objects.requireNonNull(threadId, "threadId");
        if (threadId.isBlank()) {
            throw new IllegalArgumentException("threadId must not be blank");
        }
        return threadId;
    }

    private static Checkpoint requireHead(Checkpointer cp, String threadId) {
        return cp.head(requireThread(threadId)).orElseThrow(() -> new IllegalArgumentException("thread '"
                + threadId + "' has no checkpoint; start a run with stream(threadId, input)"));
    }

    /** Merges a JSON-valued update through the reducers, keeping the merged values JSON values. */
    void mergeNormalized(Map<String, @Nullable Object> into, Map<String, @Nullable Object> update) {
        update.forEach((k, v) -> {
            var reducer = reducers.get(k);
            into.put(k, reducer == null ? v : CheckpointJson.normalized(k, reducer.apply(into.get(k), v), null));
        });
    }

    private static void updates(GraphEvent e, QueueTokenBridge.Sink<NodeUpdate> out) throws InterruptedException {
        switch (e) {
            case GraphEvent.NodeFinished f -> out.accept(f.update());
            case GraphEvent.Failed f -> throw f.error();
            default -> { }
        }
    }

    /**
     * Starts a run on its own thread and returns the bridge that hands over its events, each turned into items by
     * {@code mapper} on the run's side; tokens of the nodes {@code tokens} accepts are emitted as events.
     */
    <T> QueueTokenBridge<T> start(Map<String, ?> input, Predicate<String> tokens, EventMapper<T> mapper) {
        Map<String, @Nullable Object> copy = new LinkedHashMap<>(Objects.requireNonNull(input, "input"));
        return start(listener -> new GraphRun(this, copy, listener), tokens, mapper);
    }

    /** As {@link #start(Map, Predicate, EventMapper)}, for the run {@code runs} makes for the listener. */
    <T> QueueTokenBridge<T> start(Function<RunListener, GraphRun> runs, Predicate<String> tokens,
            EventMapper<T> mapper) {
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
            GraphRun run = runs.apply(listener);
            try {
                result = run.observedRun(observed);
            } catch (GraphException e) {
                listener.on(new GraphEvent.Failed(e.node().orElse(""), e));
                return;
            }
            if (run.paused() == null) {   // else the run's last event was Interrupted
                listener.on(new GraphEvent.Done(result));
            }
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
