package io.synapsekit.examples;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.NodeUpdate;
import io.synapsekit.graph.StateGraph;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Guide section 3: graph node-level streaming, one update per node as each node finishes. */
public final class Section3GraphUpdates {

    private Section3GraphUpdates() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    // tag::graph-nodes[]
    static Map<String, Object> fetchData(Map<String, Object> state) {
        return Map.of("data", "fetched_results", "step", "fetch");   // simulate data fetching
    }

    static Map<String, Object> processData(Map<String, Object> state) {
        return Map.of("result", "processed: " + state.get("data"), "step", "process");
    }

    static Map<String, Object> formatOutput(Map<String, Object> state) {
        return Map.of("output", state.get("result").toString().toUpperCase(), "step", "format");
    }
    // end::graph-nodes[]

    static CompiledGraph compiled() {
        // tag::graph-build[]
        StateGraph graph = new StateGraph()
                .addNode("fetch", Section3GraphUpdates::fetchData)
                .addNode("process", Section3GraphUpdates::processData)
                .addNode("format", Section3GraphUpdates::formatOutput)
                .addEdge("fetch", "process")
                .addEdge("process", "format")
                .setEntryPoint("fetch");
        CompiledGraph compiled = graph.compile();
        // end::graph-build[]
        return compiled;
    }

    static void run(PrintStream out) {
        CompiledGraph compiled = compiled();
        // tag::graph-stream[]
        try (Stream<NodeUpdate> updates = compiled.stream(Map.of("input", "hello"))) {
            // Map.of has no key order; a TreeMap prints the keys sorted, the same on every run.
            updates.forEach(u -> out.println("[" + u.node() + "] -> " + new TreeMap<>(u.update())));
        }
        // end::graph-stream[]
    }
}
