package io.synapsekit.examples;

import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.examples.web.PageServlet;
import io.synapsekit.examples.web.ReportServlet;
import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.servlet.GraphServlet;
import io.synapsekit.servlet.TokenWebSocket;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A person in the loop, in the browser: a graph drafts an answer, pauses for "approve / edit", then publishes what
 * the person approved. The page ({@code /approval.html}) streams the draft, gets the pause carrying the thread id
 * and the draft, and answers with a resume that streams the rest. Both transports are the library's own:
 *
 * <ul>
 *   <li>{@code POST /approval/run} ({@link GraphServlet}): {@code {"query": topic}} starts a thread and streams SSE
 *       tokens of the draft, then {@code event: interrupt} {@code {"thread_id":…,"node":"review",
 *       "payload":{"draft":…},"checkpoint_id":…}}; {@code {"thread_id":…,"value":…}} resumes it with
 *       {@code "approve"} or the edited text and streams the publish step;
 *   <li>{@code /approval/ws} ({@link TokenWebSocket#graph}): the same over WebSocket: {@code {"query": topic}},
 *       then {@code {"type":"interrupt",…}}; {@code {"type":"resume","thread_id":…,"value":…}}, then the rest.
 * </ul>
 */
public final class ApprovalDemo implements AutoCloseable {

    private final JettyApp app;
    private final ReportServlet reports;
    private final CompiledGraph graph;

    private ApprovalDemo(JettyApp app, ReportServlet reports, CompiledGraph graph) {
        this.app = app;
        this.reports = reports;
        this.graph = graph;
    }

    public static void main(String[] args) throws Exception {
        try (ApprovalDemo demo = start("127.0.0.1", 8081, new MemoryCheckpointer())) {
            System.out.println("Approval demo: open " + demo.uri("/") + " (Ctrl-C stops it)");
            Thread.currentThread().join();
        }
    }

    /** The graph: draft (streamed), review (asks the person), publish (streamed). */
    static CompiledGraph graph(Checkpointer checkpointer) {
        return new StateGraph()
                .addNode("draft", s -> {
                    String draft = "Thank you for asking about " + s.get("topic") + ". Here is a short answer.";
                    for (String word : draft.split("(?<= )")) {
                        GraphStreams.emitToken(word);
                    }
                    return Map.of("draft", draft);
                })
                .addNode("review", s -> {
                    Object verdict = Interrupt.ask(Map.of("draft", s.get("draft"), "choices",
                            List.of("approve", "edit")));
                    return Map.of("final", "approve".equals(verdict) ? s.get("draft") : String.valueOf(verdict));
                })
                .addNode("publish", s -> {
                    GraphStreams.emitToken("Published: ");
                    GraphStreams.emitToken(String.valueOf(s.get("final")));
                    return Map.of("published", true);
                })
                .addEdge("draft", "review").addEdge("review", "publish").setEntryPoint("draft")
                .compile().withCheckpointer(checkpointer);
    }

    /** Starts the demo on {@code host}:{@code port} ({@code 0}: any free port). */
    static ApprovalDemo start(String host, int port, Checkpointer checkpointer) throws Exception {
        CompiledGraph graph = graph(checkpointer);
        ReportServlet reports = new ReportServlet();
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/approval/run", GraphServlet.of(graph, topic -> Map.of("topic", topic)));
        servlets.put("", new PageServlet("/web/approval.html"));
        servlets.put("/approval.html", new PageServlet("/web/approval.html"));
        servlets.put("/report", reports);
        return new ApprovalDemo(JettyApp.start(host, port, servlets,
                List.of(TokenWebSocket.graph("/approval/ws", graph, topic -> Map.of("topic", topic)))), reports, graph);
    }

    URI uri(String path) {
        return app.http(path);
    }

    ReportServlet reports() {
        return reports;
    }

    CompiledGraph graph() {
        return graph;
    }

    @Override
    public void close() throws Exception {
        app.close();
    }
}
