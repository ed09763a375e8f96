package io.synapsekit.graph;

import io.synapsekit.internal.Observers;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One execution of a compiled graph, on the calling thread: waves of nodes until every branch ends. Single-node
 * waves run on the calling thread itself; fan-out waves start one virtual thread per node and wait for all.
 *
 * <p>A durable run (one of a thread, with a checkpointer) starts from a checkpoint and stores one after every
 * wave, before the wave's updates reach the reader; in a fan-out wave, each branch's update is stored as a pending
 * write of the wave's checkpoint before its event is sent, so a run stopped mid-wave reruns only the branches that
 * had not finished. It may pause: the pause is stored, then sent as {@link GraphEvent.Interrupted}.
 */
final class GraphRun {

    private static final int PATH_SHOWN = 12;

    private final CompiledGraph graph;
    private final RunListener listener;
    /** The run as observed work; set by {@link #observedRun} before the run starts. */
    private WorkListener observed = Observers.work(List.of(), new Work(Work.GRAPH_RUN, ""));
    private final Map<String, @Nullable Object> state;
    private final Deque<String> recent = new ArrayDeque<>();
    private final @Nullable Checkpointer checkpointer;
    /** The thread's head: the checkpoint this durable run stored last; {@code null} for a plain run. */
    private @Nullable Checkpoint head;
    private boolean skipBefore;
    private GraphEvent.@Nullable Interrupted paused;

    GraphRun(CompiledGraph graph, Map<String, ?> input, RunListener listener) {
        this.graph = graph;
        this.listener = listener;
        this.state = new LinkedHashMap<>(input);
        this.checkpointer = null;
    }

    /**
     * Creates a durable run that continues from {@code start}, the head of its thread.
     *
     * @param skipBefore whether the first wave runs even if it holds a node named by {@code interruptBefore}: the
     *     run resumes a pause before it
     */
    GraphRun(CompiledGraph graph, Checkpoint start, Checkpointer checkpointer, boolean skipBefore,
            RunListener listener) {
        this.graph = graph;
        this.listener = listener;
        this.state = new LinkedHashMap<>(start.state());
        this.checkpointer = checkpointer;
        this.head = start;
        this.skipBefore = skipBefore;
    }

    /** Returns where the run paused, once {@link #run()} returned; {@code null} when it ran to its end. */
    GraphEvent.@Nullable Interrupted paused() {
        return paused;
    }

    /**
     * Runs to the end, or to a pause, and returns the state reached, observed as {@code observed}: entered on this
     * thread (the fan-out branches enter it on theirs), and ended with the run's outcome.
     */
    Map<String, @Nullable Object> observedRun(WorkListener observed) throws InterruptedException {
        this.observed = observed;
        Throwable failure = null;
        try (Scope scope = observed.enter()) {
            return run();
        } catch (InterruptedException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            observed.finished(failure);
        }
    }

    /** Runs to the end, or to a pause, and returns the state reached. */
    Map<String, @Nullable Object> run() throws InterruptedException {
        List<String> wave = head == null ? List.of(graph.entryPoint()) : head.next();
        int waves = 0;
        while (!wave.isEmpty()) {
            if (++waves > graph.stepLimit()) {
                throw new StepLimitException(graph.stepLimit(), List.copyOf(recent), wave.get(0), state);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw cancelled(wave.get(0), null);
            }
            if (head != null) {
                wave = durableWave(wave);
                if (paused != null) {
                    break;
                }
                continue;
            }
            Map<String, @Nullable Object> snapshot = NodeUpdate.frozen(state);
            List<Map<String, @Nullable Object>> updates = wave.size() == 1
                    ? List.of(runAlone(wave.get(0), snapshot))
                    : runConcurrently(wave, snapshot);
            for (int i = 0; i < wave.size(); i++) {
                merge(state, updates.get(i));
                remember(wave.get(i));
            }
            wave = next(wave);
        }
        return NodeUpdate.frozen(state);
    }

    /** Runs one wave of a durable run, stores the checkpoint after it, and returns the next wave. */
    private List<String> durableWave(List<String> wave) throws InterruptedException {
        Checkpoint at = head;
        if (!skipBefore) {
            for (String n : wave) {
                if (graph.interruptsBefore(n)) {
                    pause(wave, at.writes(), new Checkpoint.Pause(n, Checkpoint.PauseKind.BEFORE, null));
                    return List.of();
                }
            }
        }
        skipBefore = false;
        Map<String, @Nullable Object> snapshot = NodeUpdate.frozen(state);
        Map<String, Map<String, @Nullable Object>> done = new LinkedHashMap<>(at.writes());
        List<String> toRun = wave.stream().filter(n -> !done.containsKey(n)).toList();
        Map<String, Interrupt.Asking> asked = new LinkedHashMap<>();
        NodeUpdate deferred = null;
        if (wave.size() == 1 && toRun.size() == 1) {
            String name = wave.get(0);
            if (listener.wantsEvents()) {
                listener.on(new GraphEvent.NodeStarted(name));
            }
            try {
                done.put(name, CheckpointJson.normalized(apply(name, snapshot, at), name));
            } catch (Interrupt.Paused p) {
                asked.put(name, p.asking);
            }
        } else if (!toRun.isEmpty()) {
            List<Object> outcomes = runBranches(toRun, snapshot, at);
            for (int i = 0; i < toRun.size(); i++) {
                Object o = outcomes.get(i);
                if (o instanceof PausedBranch p) {
                    asked.put(toRun.get(i), p.asking());
                } else if (!(o instanceof Throwable)) {
                    @SuppressWarnings("unchecked")
                    Map<String, @Nullable Object> u = (Map<String, @Nullable Object>) o;
                    done.put(toRun.get(i), u);
                }
            }
            throwFirstFailure(outcomes);
        }
        if (!asked.isEmpty()) {
            var first = asked.entrySet().iterator().next();
            pause(wave, done, new Checkpoint.Pause(first.getKey(), Checkpoint.PauseKind.ASK, first.getValue().payload));
            return List.of();
        }
        for (String n : wave) {
            graph.mergeNormalized(state, done.get(n));
            remember(n);
        }
        List<String> next = next(wave);
        Checkpoint.Pause after = null;
        if (!next.isEmpty()) {
            for (String n : wave) {
                if (graph.interruptsAfter(n)) {
                    after = new Checkpoint.Pause(n, Checkpoint.PauseKind.AFTER, null);
                    break;
                }
            }
        }
        if (wave.size() == 1 && toRun.size() == 1 && listener.wantsEvents()) {
            deferred = new NodeUpdate(wave.get(0), done.get(wave.get(0)), state);
        }
        Checkpoint c = new Checkpoint(at.threadId(), newId(), at.id(), at.version() + 1, at.step() + 1, state,
                next, Map.of(), after, Map.of(), Instant.now());
        checkpointer.put(c);
        head = c;
        if (deferred != null) {
            listener.on(new GraphEvent.NodeFinished(deferred));
        }
        if (after != null) {
            paused = new GraphEvent.Interrupted(after.node(), null, c.id());
            listener.on(paused);
            return List.of();
        }
        return next;
    }

    /** Stores a checkpoint of the unfinished {@code wave}, its finished branches and {@code pause}, then says so. */
    private void pause(List<String> wave, Map<String, Map<String, @Nullable Object>> done, Checkpoint.Pause pause)
            throws InterruptedException {
        Checkpoint at = head;
        Checkpoint c = new Checkpoint(at.threadId(), newId(), at.id(), at.version() + 1, at.step(), state, wave,
                done, pause, at.answers(), Instant.now());
        checkpointer.put(c);
        head = c;
        paused = new GraphEvent.Interrupted(pause.node(), pause.payload(), c.id());
        listener.on(paused);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    private Map<String, @Nullable Object> runAlone(String name, Map<String, @Nullable Object> snapshot)
            throws InterruptedException {
        if (!listener.wantsEvents()) {
            return apply(name, snapshot, null);
        }
        listener.on(new GraphEvent.NodeStarted(name));
        Map<String, @Nullable Object> update = apply(name, snapshot, null);
        Map<String, @Nullable Object> after = new LinkedHashMap<>(snapshot);
        merge(after, update);
        listener.on(new GraphEvent.NodeFinished(new NodeUpdate(name, update, after)));
        return update;
    }

    /** A branch of a durable wave that asked and paused. */
    private record PausedBranch(Interrupt.Asking asking) {
    }

    private List<Map<String, @Nullable Object>> runConcurrently(List<String> wave,
            Map<String, @Nullable Object> snapshot) throws InterruptedException {
        List<Object> outcomes = runBranches(wave, snapshot, null);
        throwFirstFailure(outcomes);
        List<Map<String, @Nullable Object>> updates = new ArrayList<>(wave.size());
        for (Object o : outcomes) {
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> u = (Map<String, @Nullable Object>) o;
            updates.add(u);
        }
        return updates;
    }

    /**
     * Runs {@code wave} concurrently and returns each branch's outcome, in wave order: its update, a {@link
     * PausedBranch}, or what it threw. In a durable run ({@code at} not {@code null}) each finished update is
     * stored as a pending write of {@code at} before its event is sent.
     */
    private List<Object> runBranches(List<String> wave, Map<String, @Nullable Object> snapshot,
            @Nullable Checkpoint at) throws InterruptedException {
        int n = wave.size();
        Object[] outcomes = new Object[n];
        CountDownLatch finished = new CountDownLatch(n);
        // The finish-order view that NodeUpdate.state shows; guarded by the lock so that states grow in the
        // order their events are queued.
        Map<String, @Nullable Object> running = new LinkedHashMap<>(snapshot);
        ReentrantLock lock = new ReentrantLock();
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int index = i;
            String name = wave.get(i);
            threads[i] = GraphThreads.start("synapsekit-graph-node-" + name, () -> {
                try (Scope scope = observed.enter()) { // the run's context, on this branch's thread too
                    listener.on(new GraphEvent.NodeStarted(name));
                    Map<String, @Nullable Object> update = apply(name, snapshot, at);
                    if (at != null) {
                        update = CheckpointJson.normalized(update, name);
                        checkpointer.putWrite(at.threadId(), at.id(), name, update);
                    }
                    outcomes[index] = update;
                    lock.lockInterruptibly();
                    try {
                        merge(running, update);
                        listener.on(new GraphEvent.NodeFinished(new NodeUpdate(name, update, running)));
                    } finally {
                        lock.unlock();
                    }
                } catch (Interrupt.Paused p) {
                    outcomes[index] = new PausedBranch(p.asking);
                } catch (Throwable e) {
                    outcomes[index] = e;
                } finally {
                    finished.countDown();
                }
            });
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            // Cancelled: stop every branch and wait for them, so that no thread outlives the run.
            for (Thread t : threads) {
                t.interrupt();
            }
            joinAll(threads);
            throw e;
        }
        return java.util.Arrays.asList(outcomes);
    }

    private static void throwFirstFailure(List<Object> outcomes) throws InterruptedException {
        for (Object o : outcomes) {
            if (o instanceof Throwable e) {
                // The first failure in declaration order wins; its state is the one before this wave.
                if (e instanceof GraphException g) {
                    throw g;
                }
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                throw new IllegalStateException(e);
            }
        }
    }

    private static void joinAll(Thread[] threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException again) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs one node with its token sink and its answers installed; wraps its failure with the node's name and the
     * state. In a durable run ({@code at} not {@code null}), a node that asked throws {@link Interrupt.Paused},
     * however it ended.
     */
    private Map<String, @Nullable Object> apply(String name, Map<String, @Nullable Object> snapshot,
            @Nullable Checkpoint at) {
        WorkListener node = Observers.work(graph.listeners(), new Work(Work.GRAPH_NODE, name));
        Throwable failure = null;
        try (Scope scope = node.enter()) {
            return applyNode(name, snapshot, at);
        } catch (Interrupt.Paused p) {
            throw p; // a pause for a person, not a failure of the node
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            node.finished(failure);
        }
    }

    private Map<String, @Nullable Object> applyNode(String name, Map<String, @Nullable Object> snapshot,
            @Nullable Checkpoint at) {
        TokenSink.install(new TokenSink(name, listener));
        Interrupt.Asking asking = Interrupt.install(name, at != null,
                at == null ? List.of() : at.answers().getOrDefault(name, List.of()));
        try {
            Map<String, @Nullable Object> update = graph.node(name).apply(snapshot);
            if (asking.paused) {
                throw new Interrupt.Paused(asking);   // it asked, caught the pause and returned anyway: still a pause
            }
            return update == null ? Map.of() : update;
        } catch (Interrupt.Paused p) {
            throw new Interrupt.Paused(asking);
        } catch (InterruptedException | CancelledException e) {
            Thread.currentThread().interrupt();
            throw cancelled(name, e);
        } catch (Exception e) {
            if (asking.paused) {
                throw new Interrupt.Paused(asking);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw cancelled(name, e);
            }
            throw new NodeFailedException("node '" + name + "' failed: " + e, name, state, e);
        } finally {
            TokenSink.clear();
            Interrupt.clear();
        }
    }

    private GraphException cancelled(String name, @Nullable Throwable cause) {
        return new GraphException("run cancelled at node '" + name + "'", name, state, cause);
    }

    private List<String> next(List<String> wave) {
        Set<String> next = new LinkedHashSet<>();
        Map<String, @Nullable Object> view = null;
        for (String from : wave) {
            next.addAll(graph.targets(from));
            StateGraph.Route route = graph.routes().get(from);
            if (route != null) {
                if (view == null) {
                    view = NodeUpdate.frozen(state);
                }
                String target = route(from, route, view);
                if (!target.equals(StateGraph.END)) {
                    next.add(target);
                }
            }
        }
        return List.copyOf(next);
    }

    private String route(String from, StateGraph.Route route, Map<String, @Nullable Object> view) {
        String key;
        try {
            key = route.router().apply(view);
        } catch (RuntimeException e) {
            throw new NodeFailedException("router after node '" + from + "' failed: " + e, from, state, e);
        }
        if (route.mapping() != null) {
            String to = key == null ? null : route.mapping().get(key);
            if (to == null) {
                throw new UnknownRouteException(from, key, route.mapping().keySet(), state);
            }
            return to;
        }
        if (key == null || !(key.equals(StateGraph.END) || graph.hasNode(key))) {
            List<String> known = new ArrayList<>(graph.nodeNames());
            known.add("StateGraph.END");
            throw new UnknownRouteException(from, key, known, state);
        }
        return key;
    }

    private void merge(Map<String, @Nullable Object> into, Map<String, @Nullable Object> update) {
        update.forEach((k, v) -> {
            var reducer = graph.reducers().get(k);
            into.put(k, reducer == null ? v : reducer.apply(into.get(k), v));
        });
    }

    private void remember(String name) {
        recent.addLast(name);
        if (recent.size() > PATH_SHOWN) {
            recent.removeFirst();
        }
    }
}
