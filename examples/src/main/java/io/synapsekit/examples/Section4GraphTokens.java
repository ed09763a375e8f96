package io.synapsekit.examples;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import java.io.PrintStream;
import java.util.Map;
import java.util.stream.Stream;

/** Guide section 4: token-level streaming from LLM nodes inside a graph, single- and multi-node. */
public final class Section4GraphTokens {

    private Section4GraphTokens() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.llm(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static void run(LLM llm, PrintStream out) {
        singleNode(llm, out);
        out.println();
        multiNode(llm, out);
    }

    static void singleNode(LLM llm, PrintStream out) {
        // tag::graph-tokens[]
        StateGraph graph = new StateGraph()
                .addNode("generate", LlmNode.of(llm).promptKey("input"))
                .setEntryPoint("generate");
        CompiledGraph compiled = graph.compile();

        out.print("Streaming tokens from graph: ");
        try (Stream<String> tokens = GraphStreams.streamTokens(compiled,
                Map.of("input", "Explain RAG in one sentence"))) {
            tokens.forEach(t -> { out.print(t); out.flush(); });
        }
        out.println();
        // end::graph-tokens[]
    }

    static void multiNode(LLM llm, PrintStream out) {
        // tag::graph-tokens-multi[]
        StateGraph graph2 = new StateGraph()
                .addNode("research", LlmNode.of(llm).promptKey("topic").outputKey("research"))
                .addNode("summarize", LlmNode.of(llm).promptKey("research").outputKey("summary"))
                .addEdge("research", "summarize")
                .setEntryPoint("research");
        CompiledGraph compiled2 = graph2.compile();

        // streamTokens streams the final LLM node ("summarize") by default
        try (Stream<String> tokens = GraphStreams.streamTokens(compiled2, Map.of("topic", "vector databases"))) {
            tokens.forEach(t -> { out.print(t); out.flush(); });
        }
        out.println();
        // end::graph-tokens-multi[]
    }
}
