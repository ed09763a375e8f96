package io.synapsekit.graph;

import io.synapsekit.internal.Observers;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Work;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A builder of graph workflows: named {@link Node}s joined by edges, run from an entry point until every branch
 * reaches {@link #END}.
 *
 * <pre>{@code
 * StateGraph graph = new StateGraph();
 * graph.addNode("fetch", state -> Map.of("data", "fetched_results"));
 * graph.addNode("process", state -> Map.of("result", "processed: " + state.get("data")));
 * graph.addEdge("fetch", "process");
 * graph.setEntryPoint("fetch");
 * graph.setFinishPoint("process");
 * CompiledGraph compiled = graph.compile();
 * }</pre>
 *
 * <p>A node with several outgoing edges fans out: the targets run as one wave, concurrently. A router given to
 * {@link #addConditionalEdges} picks the next node from the state. Cycles are allowed; a run stops with a
 * {@link StepLimitException} after {@link #stepLimit(int) 100 waves} by default. Each key of the state is merged
 * by its {@link #reducer reducer}, by default the last write wins.
 *
 * <p>Not thread-safe: build on one thread, then share the immutable {@link CompiledGraph}.
 */
public final class StateGraph {

    /** The name to route to, or to pass to {@link #addEdge}, to end a branch. */
    public static final String END = "__end__";

    /** How many waves a run may take unless {@link #stepLimit(int)} says otherwise. */
    public static final int DEFAULT_STEP_LIMIT = 100;

    record Edge(String from, String to) {
    }

    record Route(Function<Map<String, @Nullable Object>, String> router, @Nullable Map<String, String> mapping) {
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Map<String, BinaryOperator<@Nullable Object>> reducers = new LinkedHashMap<>();
    private @Nullable String entryPoint;
    private int stepLimit = DEFAULT_STEP_LIMIT;
    private final List<LLMListener> listeners = new ArrayList<>();

    /** Creates an empty graph. */
    public StateGraph() {
    }

    /**
     * Adds a node.
     *
     * @throws IllegalArgumentException when the name is blank, {@link #END}, or already taken
     */
    public StateGraph addNode(String name, Node node) {
        Objects.requireNonNull(node, "node");
        checkName(name, "node name");
        if (name.equals(END)) {
            throw new IllegalArgumentException("'" + END + "' is reserved for StateGraph.END; pick another node name");
        }
        if (nodes.putIfAbsent(name, node) != null) {
            throw new IllegalArgumentException("node '" + name + "' already exists");
        }
        return this;
    }

    /**
     * Adds an edge: after {@code from} runs, {@code to} runs ({@link #END} ends the branch). Several edges from one
     * node fan out, in the order they were added. Names are checked at {@link #compile()}.
     */
    public StateGraph addEdge(String from, String to) {
        checkName(from, "edge source");
        checkName(to, "edge target");
        if (from.equals(END)) {
            throw new IllegalArgumentException("an edge cannot start at END (to '" + to + "')");
        }
        Edge e = new Edge(from, to);
        if (edges.contains(e)) {
            throw new IllegalArgumentException("edge '" + from + "' -> '" + to + "' already exists");
        }
        edges.add(e);
        return this;
    }

    /**
     * Routes from {@code from} to the node whose name {@code router} returns, or to {@link #END}. The router
     * sees the state after {@code from}'s wave merged. A name that is not a node fails the run with an
     * {@link UnknownRouteException}, never a silent end.
     */
    public StateGraph addConditionalEdges(String from, Function<Map<String, @Nullable Object>, String> router) {
        return addRoute(from, router, null);
    }

    /**
     * Routes from {@code from} through {@code mapping}: {@code router} returns a key, and the mapping gives the
     * node (or {@link #END}) it stands for. A key missing from the mapping fails the run with an
     * {@link UnknownRouteException} naming the node and the key.
     */
    public StateGraph addConditionalEdges(String from, Function<Map<String, @Nullable Object>, String> router,
            Map<String, String> mapping) {
        Objects.requireNonNull(mapping, "mapping");
        mapping.forEach((k, v) -> {
            Objects.requireNonNull(k, "mapping key");
            checkName(v, "mapping target for key '" + k + "'");
        });
        return addRoute(from, router, new LinkedHashMap<>(mapping));
    }

    private StateGraph addRoute(String from, Function<Map<String, @Nullable Object>, String> router,
            @Nullable Map<String, String> map) {
        checkName(from, "router source");
        Objects.requireNonNull(router, "router");
        if (routes.containsKey(from)) {
            throw new IllegalArgumentException("node '" + from + "' already has conditional edges");
        }
        routes.put(from, new Route(router, map == null ? null : java.util.Collections.unmodifiableMap(map)));
        return this;
    }

    /** Sets the node every run starts with. */
    public StateGraph setEntryPoint(String name) {
        checkName(name, "entry point");
        this.entryPoint = name;
        return this;
    }

    /** Makes {@code name} end its branch: the same as {@code addEdge(name, END)}. */
    public StateGraph setFinishPoint(String name) {
        return addEdge(name, END);
    }

    /**
     * Sets how {@code key} merges: {@code reducer.apply(current, update)} becomes the new value, where
     * {@code current} is {@code null} when the state has no value yet. Without a reducer the update replaces
     * the value. Reducers of fan-out waves run in edge declaration order.
     */
    public StateGraph reducer(String key, BinaryOperator<@Nullable Object> reducer) {
        Objects.requireNonNull(key, "key");
        reducers.put(key, Objects.requireNonNull(reducer, "reducer"));
        return this;
    }

    /**
     * Returns a reducer that appends to a list: a collection update adds all its elements, any other value is
     * added as one element. The merged value is a new unmodifiable list.
     */
    public static BinaryOperator<@Nullable Object> appendToList() {
        return (current, update) -> {
            List<Object> out = new ArrayList<>();
            if (current instanceof Collection<?> c) {
                out.addAll(c);
            } else if (current != null) {
                out.add(current);
            }
            if (update instanceof Collection<?> c) {
                out.addAll(c);
            } else {
                out.add(update);
            }
            return java.util.Collections.unmodifiableList(out);
        };
    }

    /**
     * Sets the most waves a run may take (default {@value #DEFAULT_STEP_LIMIT}).
     *
     * @throws IllegalArgumentException when {@code waves} is below 1
     */
    public StateGraph stepLimit(int waves) {
        if (waves < 1) {
            throw new IllegalArgumentException("step limit must be at least 1: " + waves);
        }
        this.stepLimit = waves;
        return this;
    }

    /**
     * Adds a listener that observes each run, and each node execution within it, as {@link Work} (the LLM calls of
     * a node are observed by the LLM's own listeners, inside the node's). Listeners found with
     * {@code ServiceLoader} are added without this.
     */
    public StateGraph listener(LLMListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Checks the graph and returns its immutable, runnable form.
     *
     * <p>A node with no edge out ends the run when it finishes (as if it had an edge to {@link #END}); a node "has no
     * way out" when every path from it loops without ever reaching {@code END}.
     *
     * @throws InvalidGraphException listing every problem: no entry point, edges naming unknown nodes, nodes with
     *     no way out, and nodes the entry point cannot reach
     */
    public CompiledGraph compile() {
        List<String> problems = new ArrayList<>();
        if (nodes.isEmpty()) {
            problems.add("the graph has no nodes; call addNode(name, node)");
        }
        if (entryPoint == null) {
            problems.add("no entry point; call setEntryPoint(name) with the first node");
        } else if (!nodes.containsKey(entryPoint)) {
            problems.add("entry point '" + entryPoint + "' is not a node; nodes: " + nodes.keySet());
        }
        for (Edge e : edges) {
            if (!nodes.containsKey(e.from())) {
                problems.add("edge '" + e.from() + "' -> '" + e.to() + "' starts at unknown node '" + e.from() + "'");
            }
            if (!e.to().equals(END) && !nodes.containsKey(e.to())) {
                problems.add("edge '" + e.from() + "' -> '" + e.to() + "' ends at unknown node '" + e.to() + "'");
            }
        }
        routes.forEach((from, route) -> {
            if (!nodes.containsKey(from)) {
                problems.add("conditional edges start at unknown node '" + from + "'");
            }
            if (route.mapping() != null) {
                route.mapping().forEach((key, to) -> {
                    if (!to.equals(END) && !nodes.containsKey(to)) {
                        problems.add("conditional edges from '" + from + "' map key '" + key + "' to unknown node '"
                                + to + "'");
                    }
                });
            }
        });
        Map<String, List<String>> successors = successors();
        for (String name : nodes.keySet()) {
            if (!canFinish(name, successors)) {
                problems.add("node '" + name + "' has no way out: every path from it loops back without reaching "
                        + "END; add conditional edges that can return StateGraph.END, or an edge to END");
            }
        }
        if (entryPoint != null && nodes.containsKey(entryPoint)) {
            Set<String> reached = reachable(entryPoint, successors);
            for (String name : nodes.keySet()) {
                if (!reached.contains(name)) {
                    problems.add("node '" + name + "' is unreachable from the entry point '" + entryPoint + "'");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidGraphException(problems);
        }
        return new CompiledGraph(nodes, edges, routes, reducers, entryPoint, stepLimit, successors,
                Observers.with(listeners));
    }

    /** Returns every node each node may lead to; a router without a mapping may lead anywhere. */
    private Map<String, List<String>> successors() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Edge e : edges) {
            out.computeIfAbsent(e.from(), k -> new LinkedHashSet<>()).add(e.to());
        }
        routes.forEach((from, route) -> {
            Set<String> s = out.computeIfAbsent(from, k -> new LinkedHashSet<>());
            if (route.mapping() == null) {
                s.addAll(nodes.keySet());
                s.add(END);
            } else {
                s.addAll(route.mapping().values());
            }
        });
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        for (String name : nodes.keySet()) {
            // A node with no edge out finishes the run, as in the guide's programs, which set no finish point.
            frozen.put(name, out.containsKey(name) ? List.copyOf(out.get(name)) : List.of(END));
        }
        out.forEach((k, v) -> frozen.putIfAbsent(k, List.copyOf(v)));
        return frozen;
    }

    /** Returns whether some path from {@code name} reaches {@link #END}. */
    private boolean canFinish(String name, Map<String, List<String>> successors) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            if (n.equals(END) || !nodes.containsKey(n)) {
                return true;   // an unknown target is reported on its own; do not pile a second problem on it
            }
            if (seen.add(n)) {
                todo.addAll(successors.getOrDefault(n, List.of()));
            }
        }
        return false;
    }

    static Set<String> reachable(String from, Map<String, List<String>> successors) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            if (!n.equals(END) && seen.add(n)) {
                todo.addAll(successors.getOrDefault(n, List.of()));
            }
        }
        return seen;
    }

    private static void checkName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
