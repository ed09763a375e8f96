package io.synapsekit.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.agent.Agent;
import io.synapsekit.agent.AgentEvent;
import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.examples.web.PageServlet;
import io.synapsekit.servlet.SseServlet;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The weather-and-calendar agent served to a browser: {@code GET /agent?query=…} streams its events as Server-Sent
 * Events, and {@code /agent.html} shows them (text as it is written, each tool as it starts and finishes).
 */
public final class AgentWebDemo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentWebDemo() {
    }

    public static void main(String[] args) throws Exception {
        Demo demo = Demo.choose(args);
        try (JettyApp app = start("127.0.0.1", 8081, AgentExample.assistant(demo.model()))) {
            System.out.println("Model: " + demo.description());
            System.out.println("Agent demo: open " + app.http("/agent.html") + " (Ctrl-C stops it)");
            Thread.currentThread().join();
        } finally {
            Demo.shutdown();
        }
    }

    // tag::agent-sse[]
    /** An agent's run as SSE: text as plain messages, tools and steps as named events with JSON data. */
    static Function<String, Stream<SseEvent>> agentEvents(Agent agent) {
        return query -> agent.events(query).<SseEvent>mapMulti((e, out) -> {
            switch (e) {
                case AgentEvent.Token t -> out.accept(SseEvent.message(t.text()));
                case AgentEvent.ToolStarted s -> out.accept(SseEvent.of("tool_started", json(
                        "id", s.call().id(), "name", s.call().name(), "arguments", s.call().arguments())));
                case AgentEvent.ToolFinished f -> out.accept(SseEvent.of("tool_finished", json(
                        "id", f.call().id(), "name", f.call().name(), "result", f.result().content(),
                        "error", String.valueOf(f.result().error()))));
                case AgentEvent.Finished f -> out.accept(SseEvent.of("final", json("answer", f.answer())));
                default -> { }
            }
        });
    }
    // end::agent-sse[]

    private static String json(String... keysAndValues) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return o.toString();
    }

    /** Starts the demo on {@code host}:{@code port} ({@code 0}: any free port). */
    static JettyApp start(String host, int port, Agent agent) throws Exception {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/agent", SseServlet.events(agentEvents(agent)));
        servlets.put("/agent.html", new PageServlet("/web/agent.html"));
        return JettyApp.start(host, port, servlets, List.of());
    }
}
