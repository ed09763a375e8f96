package io.synapsekit.examples;

import io.synapsekit.examples.web.ChatDemo;
import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.examples.web.PageServlet;
import io.synapsekit.examples.web.ReportServlet;
import io.synapsekit.examples.web.ResumableStreams;
import io.synapsekit.examples.web.StopServlet;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.SseResponse;
import io.synapsekit.servlet.SseServlet;
import io.synapsekit.servlet.TokenWebSocket;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The web demo (guide sections 5, 6 and 7 together): an embedded Jetty 12 serving a page whose three panels
 * stream the same answer by {@code EventSource}, by a {@code fetch} POST reader and by WebSocket.
 *
 * <ul>
 *   <li>{@code GET /stream?query=…} and {@code POST /stream} {@code {"query": …}}: SSE, resumable (a browser that
 *       reconnects with {@code Last-Event-ID} gets the rest of the same answer);
 *   <li>{@code /ws} (plain: a frame per token, then {@code [DONE]}) and {@code /ws/structured} (the guide's JSON);
 *   <li>{@code POST /api/agui}: AG-UI runs of a RAG-backed graph ({@link AgUiDemo});
 *   <li>{@code /}: the page.
 * </ul>
 *
 * <p>The answer comes from a one-node graph around the model, as in the guide: the offline demo model unless a
 * key or {@code --provider} says otherwise. {@code --port 8080} and {@code --host 127.0.0.1} are the defaults;
 * {@code --telemetry} prints the spans and GenAI metrics of every call, run and node ({@link DemoTelemetry}).
 * {@code --redis redis://host:port} keeps the SSE streams in Redis, shared by every instance on it
 * ({@link ResumableStreams}); {@code POST /stream/stop} with an event id stops that answer wherever it runs, and
 * the {@code /chat/} page resumes ({@code GET /api/chat/{id}/stream}) and stops its answer on any instance.
 */
public final class WebDemo implements AutoCloseable {

    private final JettyApp app;
    private final ReportServlet reports;

    private WebDemo(JettyApp app, ReportServlet reports) {
        this.app = app;
        this.reports = reports;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--telemetry" -> DemoTelemetry.install();
                default -> { }
            }
        }
        Demo demo = Demo.choose(args);
        try (ResumableStreams streams = ResumableStreams.from(args);
                WebDemo web = start(host, port, answers(demo.model()), streams.response(),
                        apis(demo.model(), streams))) {
            System.out.println("Model: " + demo.description() + "; SSE streams " + streams.description());
            System.out.println("Web demo: open " + web.uri("/") + " and " + web.uri("/chat/") + " (Ctrl-C stops it)");
            System.out.println("  curl -N \"" + web.uri("/stream?query=What+is+RAG") + "\"");
            Thread.currentThread().join();
        } finally {
            Demo.shutdown();
        }
    }

    // tag::web-demo[]
    /** The guide's {@code compiled_graph}: one LLM node answering {@code {"input": query}}. */
    static Function<String, Stream<String>> answers(LLM llm) {
        CompiledGraph graph = new StateGraph()
                .addNode("answer", LlmNode.of(llm).promptKey("input"))
                .setEntryPoint("answer")
                .compile();
        return query -> GraphStreams.streamTokens(graph, Map.of("input", query));
    }

    /** Starts the demo on {@code host}:{@code port} ({@code 0}: any free port), answering with {@code answer}. */
    static WebDemo start(String host, int port, Function<String, Stream<String>> answer,
            Map<String, HttpServlet> apis) throws Exception {
        SseResponse resumable = SseResponse.builder()
                .replay(InMemorySseReplayBuffer.create())   // Last-Event-ID resumes the same answer
                .build();
        return start(host, port, answer, resumable, apis);
    }

    /** Starts the demo with {@code resumable} serving {@code /stream}: in memory, or shared through Redis. */
    static WebDemo start(String host, int port, Function<String, Stream<String>> answer, SseResponse resumable,
            Map<String, HttpServlet> apis) throws Exception {
        ReportServlet reports = new ReportServlet();
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/stream", SseServlet.tokens(answer).withResponse(resumable));
        servlets.put("/stream/stop", new StopServlet(resumable));   // stops the answer wherever it runs
        servlets.put("", new PageServlet("/web/index.html"));
        servlets.put("/index.html", new PageServlet("/web/index.html"));
        servlets.put("/report", reports);
        servlets.putAll(apis);
        JettyApp app = JettyApp.start(host, port, servlets, List.of(
                TokenWebSocket.plain("/ws", answer),
                TokenWebSocket.structured("/ws/structured", answer)));
        return new WebDemo(app, reports);
    }
    // end::web-demo[]

    /** Starts the demo with the page's streams only. */
    static WebDemo start(String host, int port, Function<String, Stream<String>> answer) throws Exception {
        return start(host, port, answer, Map.of());
    }

    /**
     * The frontend protocols' endpoints over {@code llm}: {@code POST /api/agui} for AG-UI clients, and useChat's
     * {@code POST /api/chat} ({@code GET …/{id}/stream} resumes, {@code POST …/{id}/stop} stops) for the
     * {@code /chat/} page.
     */
    static Map<String, HttpServlet> apis(LLM llm) {
        return apis(llm, ChatDemo.servlet(llm));
    }

    /** As {@link #apis(LLM)}, the chat streaming through {@code streams}: with {@code --redis}, on every instance. */
    static Map<String, HttpServlet> apis(LLM llm, ResumableStreams streams) {
        return apis(llm, ChatDemo.servlet(llm, streams.chat()));
    }

    private static Map<String, HttpServlet> apis(LLM llm, HttpServlet chat) {
        Map<String, HttpServlet> apis = new LinkedHashMap<>(ChatDemo.routes(chat));
        apis.put("/api/agui", AgUiDemo.servlet(llm));
        return apis;
    }

    /** Returns the address of {@code path} on this server. */
    URI uri(String path) {
        return app.http(path);
    }

    /** Returns the panels' reports (pages opened with {@code ?report=1} post them). */
    ReportServlet reports() {
        return reports;
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() throws Exception {
        app.close();
    }
}
