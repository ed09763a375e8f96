package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** compile() says exactly what is wrong; building calls reject bad names at once. */
class CompileValidationTest {

    private static final Node NOOP = state -> null;

    @Test
    void noEntryPoint() {
        StateGraph g = new StateGraph().addNode("a", NOOP).setFinishPoint("a");
        assertThatThrownBy(g::compile).isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(
                e.problems()).containsExactly("no entry point; call setEntryPoint(name) with the first node"))
                .hasMessage("invalid graph: no entry point; call setEntryPoint(name) with the first node");
    }

    @Test
    void emptyGraph() {
        assertThatThrownBy(() -> new StateGraph().compile()).isInstanceOfSatisfying(InvalidGraphException.class,
                e -> assertThat(e.problems()).containsExactly("the graph has no nodes; call addNode(name, node)",
                        "no entry point; call setEntryPoint(name) with the first node"));
    }

    @Test
    void entryPointNotANode() {
        StateGraph g = new StateGraph().addNode("a", NOOP).setFinishPoint("a").setEntryPoint("b");
        assertThatThrownBy(g::compile).isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(
                e.problems()).containsExactly("entry point 'b' is not a node; nodes: [a]"));
    }

    @Test
    void edgesToAndFromUnknownNodes() {
        StateGraph g = new StateGraph().addNode("a", NOOP).setEntryPoint("a").addEdge("a", "ghost")
                .addEdge("phantom", "a").setFinishPoint("a");
        assertThatThrownBy(g::compile).isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(
                e.problems()).containsExactly(
                        "edge 'a' -> 'ghost' ends at unknown node 'ghost'",
                        "edge 'phantom' -> 'a' starts at unknown node 'phantom'"));
    }

    @Test
    void conditionalEdgesToUnknownNodes() {
        StateGraph g = new StateGraph().addNode("a", NOOP).setEntryPoint("a")
                .addConditionalEdges("a", s -> "x", Map.of("x", "nowhere"))
                .addConditionalEdges("zed", s -> StateGraph.END);
        assertThatThrownBy(g::compile).isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(
                e.problems()).containsExactly("conditional edges from 'a' map key 'x' to unknown node 'nowhere'",
                        "conditional edges start at unknown node 'zed'"));
    }

    @Test
    void aNodeWithNoEdgeOutEndsTheRunAsInTheGuide() {
        CompiledGraph g = new StateGraph().addNode("a", s -> Map.of("x", 1)).addNode("b", s -> Map.of("y", 2))
                .addEdge("a", "b").setEntryPoint("a").compile();
        assertThat(g.invoke(Map.of())).containsEntry("x", 1).containsEntry("y", 2);
    }

    @Test
    void nodesLoopingForeverHaveNoWayOut() {
        StateGraph g = new StateGraph().addNode("a", NOOP).addNode("b", NOOP).addNode("c", NOOP)
                .addEdge("a", "b").addEdge("b", "c").addEdge("c", "b").setEntryPoint("a");
        String fix = " has no way out: every path from it loops back without reaching END; add conditional edges "
                + "that can return StateGraph.END, or an edge to END";
        assertThatThrownBy(g::compile).isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(
                e.problems()).containsExactly("node 'a'" + fix, "node 'b'" + fix, "node 'c'" + fix));
    }

    @Test
    void aLoopWithAConditionalExitIsFine() {
        CompiledGraph g = new StateGraph().addNode("a", NOOP).addNode("b", NOOP).setEntryPoint("a")
                .addEdge("a", "b").addConditionalEdges("b", s -> StateGraph.END, Map.of("again", "a",
                        StateGraph.END, StateGraph.END))
                .compile();
        assertThat(g.invoke(Map.of())).isEmpty();
    }

    @Test
    void unreachableNode() {
        StateGraph g = new StateGraph().addNode("a", NOOP).addNode("island", NOOP).setEntryPoint("a")
                .setFinishPoint("a").setFinishPoint("island");
        assertThatThrownBy(g::compile).isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(
                e.problems()).containsExactly("node 'island' is unreachable from the entry point 'a'"));
    }

    @Test
    void aRouterWithoutMappingMayReachAnyNode() {
        StateGraph g = new StateGraph().addNode("a", NOOP).addNode("b", NOOP).setEntryPoint("a")
                .addConditionalEdges("a", s -> "b").setFinishPoint("b");
        assertThat(g.compile()).isNotNull();
    }

    @Test
    void buildingRejectsBadNamesAtOnce() {
        StateGraph g = new StateGraph().addNode("a", NOOP);
        assertThatThrownBy(() -> g.addNode("a", NOOP)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 'a' already exists");
        assertThatThrownBy(() -> g.addNode(StateGraph.END, NOOP)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'__end__' is reserved for StateGraph.END; pick another node name");
        assertThatThrownBy(() -> g.addNode(" ", NOOP)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node name must not be blank");
        assertThatThrownBy(() -> g.addEdge(StateGraph.END, "a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an edge cannot start at END (to 'a')");
        g.addEdge("a", "b");
        assertThatThrownBy(() -> g.addEdge("a", "b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("edge 'a' -> 'b' already exists");
        g.addConditionalEdges("a", s -> "b");
        assertThatThrownBy(() -> g.addConditionalEdges("a", s -> "b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 'a' already has conditional edges");
        assertThatThrownBy(() -> g.stepLimit(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step limit must be at least 1: 0");
    }
}
