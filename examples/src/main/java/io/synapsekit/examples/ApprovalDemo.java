package io.synapsekit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.examples.web.ApprovalSocket;
import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.examples.web.PageServlet;
import io.synapsekit.examples.web.ReportServlet;
import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.SseOptions;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.servlet.SseServlet;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A person in the loop, in the browser: a graph drafts an answer, pauses for "approve / edit", then publishes what
 * the person approved. The page ({@code /approval.html}) streams the draft over SSE, gets an {@code interrupt}
 * event carrying the thread id and the draft, and answers with a POST that resumes the run, streaming the rest.
 *
 * <ul>
 *   <li>{@code POST /approval/start} {@code {"query": topic}}: starts thread {@code approval-<uuid>}; SSE tokens
 *       of the draft, then {@code event: interrupt} {@code {"thread_id":…,"node":"review","payload":{"draft":…},
 *       "checkpoint_id":…}};
 *   <li>{@code POST /approval/resume} {@code {"query": "{\"thread_id\":…,\"value\":…}"}}: resumes the thread with
 *       {@code "approve"} or the edited text; SSE tokens of the publish step. (The resume rides in
 *       {@code query} because it reuses {@link SseServlet}'s request handling as it is.)
 *   <li>{@code /approval/ws}: the same over WebSocket ({@link ApprovalSocket}): {@code {"query": topic}}, then
 *       {@code {"type":"interrupt",…}}; {@code {"type":"resume","thread_id":…,"value":…}}, then the rest.
 * </ul>
 */
public final class ApprovalDemo implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        SseOptions options = SseOptions.defaults();
        Function<String, Stream<SseEvent>> begin = topic ->
                GraphStreams.sseStream(graph, "approval-" + UUID.randomUUID(), Map.of("topic", topic), options);
        Function<String, Stream<SseEvent>> resume = query -> {
            JsonNode json = parse(query);
            return GraphStreams.sseResume(graph, json.path("thread_id").asText(), JSON.convertValue(
                    json.get("value"), Object.class), options);
        };
        ReportServlet reports = new ReportServlet();
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/approval/start", SseServlet.events(begin));
        servlets.put("/approval/resume", SseServlet.events(resume));
        servlets.put("", new PageServlet("/web/approval.html"));
        servlets.put("/approval.html", new PageServlet("/web/approval.html"));
        servlets.put("/report", reports);
        return new ApprovalDemo(JettyApp.start(host, port, servlets, List.of(ApprovalSocket.at("/approval/ws", graph))),
                reports, graph);
    }

    private static JsonNode parse(String query) {
        try {
            JsonNode json = JSON.readTree(query);
            if (json == null || !json.isObject() || !json.path("thread_id").isTextual()) {
                throw new IllegalArgumentException("a resume is {\"thread_id\": \"…\", \"value\": …}");
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
