package io.synapsekit.examples;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.rag.RAG;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.servlet.AgUiServlet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The web demo's AG-UI endpoint ({@code POST /api/agui}): a RAG-backed graph that an unmodified AG-UI client
 * ({@code @ag-ui/client}'s {@code HttpAgent}, CopilotKit) runs. Node {@code retrieve} puts the passages that match
 * the last user message into the state ({@code sources}, {@code context}); node {@code answer} asks the model with
 * them. The client sees each node as a step, the state as a snapshot and one JSON Patch per node, and the answer as
 * it streams.
 */
final class AgUiDemo {

    /** What the demo knows: the guide's RAG passages and a few about the protocols it serves. */
    static final List<String> PASSAGES = List.of(
            "SynapseKit supports streaming by default across all LLM providers.",
            "The RAG pipeline retrieves context before generating an answer.",
            "Streaming reduces time-to-first-token, improving perceived latency.",
            "AG-UI is an open protocol between agents and user interfaces: the client posts a run and reads events.",
            "A graph run reports each node as a step and its state changes as JSON Patch deltas.");

    private AgUiDemo() {
    }

    /** Returns the graph: {@code retrieve}, then {@code answer} with the retrieved context. */
    static CompiledGraph ragGraph(LLM llm) {
        RAG rag = new RAG(llm);
        rag.add(PASSAGES);
        return new StateGraph()
                .addNode("retrieve", state -> {
                    List<RetrievedChunk> found = rag.retrieve(String.valueOf(state.get("input")));
                    return Map.of("sources", found.stream().map(RetrievedChunk::text).toList(),
                            "context", found.stream().map(RetrievedChunk::text).collect(Collectors.joining("\n")));
                })
                .addNode("answer", LlmNode.of(llm).outputKey("answer").promptTemplate(
                        "Answer from the context.\n\nContext:\n{context}\n\nQuestion: {input}"))
                .addEdge("retrieve", "answer")
                .setEntryPoint("retrieve").setFinishPoint("answer")
                .compile();
    }

    /** Registers the AG-UI endpoint in a plain embedded Jetty, as the README shows. */
    static void register(ServletContextHandler context, LLM llm) {
        // tag::agui-jetty[]
        ServletHolder agui = new ServletHolder(AgUiServlet.graph(ragGraph(llm)));  // or .llm(llm), .rag(rag)
        agui.setAsyncSupported(true);
        context.addServlet(agui, "/api/agui");
        // end::agui-jetty[]
    }

    /** Returns the servlet to register at {@code /api/agui}: one line, the graph over {@code llm}. */
    static AgUiServlet servlet(LLM llm) {
        return AgUiServlet.graph(ragGraph(llm));
    }
}
