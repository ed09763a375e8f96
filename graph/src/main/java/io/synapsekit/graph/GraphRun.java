package io.synapsekit.graph;

import io.synapsekit.internal.Observers;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One execution of a compiled graph, on the calling thread: waves of nodes until every branch ends. Single-node
 * waves run on the calling thread itself; fan-out waves start one virtual thread per node and wait for all.
 */
final class GraphRun {

    private static final int PATH_SHOWN = 12;

    private final CompiledGraph graph;
    private final RunListener listener;
    private final WorkListener observed;
    private final Map<String, @Nullable Object> state;
    private final Deque<String> recent = new ArrayDeque<>();

    GraphRun(CompiledGraph graph, Map<String, ?> input, RunListener listener, WorkListener observed) {
        this.graph = graph;
        this.listener = listener;
        this.observed = observed;
        this.state = new LinkedHashMap<>(input);
    }

    /**
     * Runs to the end and returns the final state, observed as the run's work: entered on this thread (the
     * fan-out branches enter it on theirs), and ended with the run's outcome.
     */
    Map<String, @Nullable Object> observedRun() throws InterruptedException {
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

    /** Runs to the end and returns the final state. */
    Map<String, @Nullable Object> run() throws InterruptedException {
        List<String> wave = List.of(graph.entryPoint());
        int waves = 0;
        while (!wave.isEmpty()) {
            if (++waves > graph.stepLimit()) {
                throw new StepLimitException(graph.stepLimit(), List.copyOf(recent), wave.get(0), state);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw cancelled(wave.get(0), null);
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

    private Map<String, @Nullable Object> runAlone(String name, Map<String, @Nullable Object> snapshot)
            throws InterruptedException {
        if (!listener.wantsEvents()) {
            return apply(name, snapshot);
        }
        listener.on(new GraphEvent.NodeStarted(name));
        Map<String, @Nullable Object> update = apply(name, snapshot);
        Map<String, @Nullable Object> after = new LinkedHashMap<>(snapshot);
        merge(after, update);
        listener.on(new GraphEvent.NodeFinished(new NodeUpdate(name, update, after)));
        return update;
    }

    private List<Map<String, @Nullable Object>> runConcurrently(List<String> wave,
            Map<String, @Nullable Object> snapshot) throws InterruptedException {
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
                    Map<String, @Nullable Object> update = apply(name, snapshot);
                    outcomes[index] = update;
                    lock.lockInterruptibly();
                    try {
                        merge(running, update);
                        listener.on(new GraphEvent.NodeFinished(new NodeUpdate(name, update, running)));
                    } finally {
                        lock.unlock();
                    }
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
        List<Map<String, @Nullable Object>> updates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (outcomes[i] instanceof Throwable e) {
                // The first failure in declaration order wins; its state is the one before this wave.
                if (e instanceof GraphException g) {
                    throw g;
                }
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                throw new IllegalStateException(e);
            }
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> u = (Map<String, @Nullable Object>) outcomes[i];
            updates.add(u);
        }
        return updates;
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

    /** Runs one node with its token sink installed; wraps its failure with the node's name and the state. */
    private Map<String, @Nullable Object> apply(String name, Map<String, @Nullable Object> snapshot) {
        WorkListener node = Observers.work(graph.listeners(), new Work(Work.GRAPH_NODE, name));
        Throwable failure = null;
        try (Scope scope = node.enter()) {
            return applyNode(name, snapshot);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            node.finished(failure);
        }
    }

    private Map<String, @Nullable Object> applyNode(String name, Map<String, @Nullable Object> snapshot) {
        TokenSink.install(new TokenSink(name, listener));
        try {
            Map<String, @Nullable Object> update = graph.node(name).apply(snapshot);
            return update == null ? Map.of() : update;
        } catch (InterruptedException | CancelledException e) {
            Thread.currentThread().interrupt();
            throw cancelled(name, e);
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                throw cancelled(name, e);
            }
            throw new NodeFailedException("node '" + name + "' failed: " + e, name, state, e);
        } finally {
            TokenSink.clear();
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
