package io.synapsekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.testing.NodeProject;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every UI message chunk UiMessageServlet emits, checked by the AI SDK itself: a Node script
 * ({@code src/test/node/ui-message-stream}, the {@code ai} package pinned in its lock file) asks a real Jetty with
 * {@code DefaultChatTransport}, validates each chunk on the wire against {@code uiMessageChunkSchema}, assembles the
 * message with {@code readUIMessageStream}, stops one answer mid-way and resumes an unknown chat.
 */
class UiMessageSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of("src/test/node/ui-message-stream");

    /** Every chunk type the encoder can emit; the scenarios below must produce each. */
    private static final Set<String> EMITTED = Set.of("start", "finish", "abort", "error", "text-start", "text-delta",
            "text-end", "reasoning-start", "reasoning-delta", "reasoning-end", "tool-input-start", "tool-input-delta",
            "tool-input-available", "tool-input-error", "source-document", "start-step", "finish-step", "data-node");

    private Server server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private int start(Map<String, HttpServlet> servlets) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        servlets.forEach((path, servlet) -> {
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, path + "/*");
        });
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    private static Stream<LLMEvent> everyLlmEvent() {
        return Stream.of(new LLMEvent.Thinking("Let me think"), new LLMEvent.Thinking(" more."),
                new LLMEvent.Token("Tool time: é ✓ 日本語 🚀\n"), new LLMEvent.Token("data: [DONE]\n\n"),
                new LLMEvent.ToolCallDelta(0, "call_1", "weather", "{\"city\":"),
                new LLMEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
                new LLMEvent.ToolCall(0, "call_1", "weather", "{\"city\":\"Paris\"}"),
                new LLMEvent.ToolCall(1, "call_2", "broken", "{oops"),
                new LLMEvent.Token("Done."), new LLMEvent.Refusal("I can't do that."),
                new LLMEvent.Raw("x-unknown", "{}"), new LLMEvent.Finish("stop"), new LLMEvent.Usage(10, 5));
    }

    private static CompiledGraph graph() {
        RetrievedChunk chunk = new RetrievedChunk(new Chunk("c1", "d1", "RAG retrieves.", Map.of("source",
                "rag.md")), 1.5);
        return new StateGraph()
                .addNode("retrieve", state -> Map.of("sources", List.of(chunk)))
                .addNode("answer", state -> {
                    GraphStreams.emitToken("Hello");
                    GraphStreams.emitToken(" world");
                    return Map.of("answer", "Hello world");
                })
                .addEdge("retrieve", "answer")
                .setEntryPoint("retrieve")
                .compile();
    }

    /** An answer that goes on for minutes unless stopped, paced like a model. */
    private static Stream<LLMEvent> endless(AtomicInteger closed) {
        AtomicInteger n = new AtomicInteger();
        return Stream.generate(() -> {
            try {
                Thread.sleep(10); // the model's pace, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return (LLMEvent) new LLMEvent.Token("tick" + n.incrementAndGet() + " ");
        }).limit(20_000).onClose(closed::incrementAndGet);
    }

    @Test
    void everyChunkWeEmitPassesTheAiPackagesOwnSchemaAndAssemblesIntoTheMessage() throws Exception {
        NodeProject.assumeNode();
        NodeProject node = new NodeProject(PROJECT);
        node.install(Duration.ofMinutes(3));

        RetrievedChunk a = new RetrievedChunk(new Chunk("doc1#0", "doc1", "RAG is…", Map.of("source", "rag.md",
                "filename", "rag.md")), 2.0);
        RetrievedChunk b = new RetrievedChunk(new Chunk("doc2#3", "doc2", "SSE is…", Map.of()), 1.0);
        AtomicInteger endlessClosed = new AtomicInteger();
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put("/llm", UiMessageServlet.llm(call -> everyLlmEvent()));
        servlets.put("/rag", UiMessageServlet.rag(call -> Stream.of(new RAGEvent.Sources(List.of(a, b)),
                new RAGEvent.Token("RAG "), new RAGEvent.Token("answer"), new RAGEvent.Usage(3, null),
                new RAGEvent.Done("RAG answer", "length"))));
        servlets.put("/graph", UiMessageServlet.of(graph()));
        servlets.put("/fail", UiMessageServlet.llm(call -> Stream.concat(Stream.of(new LLMEvent.Token("partial")),
                Stream.generate(() -> {
                    throw new LLMException("openai", 500, "upstream down", null, null);
                }))));
        servlets.put("/stop", UiMessageServlet.llm(call -> endless(endlessClosed)).resumable());
        int port = start(servlets);
        String base = "http://127.0.0.1:" + port;

        ObjectNode plan = JSON.createObjectNode();
        ArrayNode scenarios = plan.putArray("scenarios");
        for (String name : List.of("llm", "rag", "graph", "fail")) {
            scenarios.addObject().put("name", name).put("api", base + "/" + name).put("chatId", "chat-" + name)
                    .put("text", "Question for " + name + " — é?");
        }
        scenarios.addObject().put("name", "stop").put("api", base + "/stop").put("chatId", "chat-stop")
                .put("text", "go on").put("stopAfter", 5).put("stopUrl", base + "/stop/chat-stop/stop");
        plan.putArray("resume").addObject().put("name", "unknown").put("api", base + "/stop").put("chatId", "never");

        JsonNode result = JSON.readTree(node.run(Duration.ofMinutes(2), "node", "validate.mjs", plan.toString()));

        Set<String> seen = new TreeSet<>();
        for (JsonNode scenario : result.get("scenarios")) {
            assertThat(scenario.get("status").asInt()).isEqualTo(200);
            assertThat(scenario.get("header").asText()).isEqualTo("v1");
            assertThat(scenario.get("invalid")).as("chunks the ai package's schema refused").isEmpty();
            assertThat(scenario.get("done").asInt()).as("data: [DONE] at the end").isEqualTo(1);
            scenario.get("types").forEach(t -> seen.add(t.asText()));
        }
        assertThat(seen).as("every chunk type we emit was validated").isEqualTo(new TreeSet<>(EMITTED));

        JsonNode llm = result.at("/scenarios/llm");
        assertThat(llm.get("errors")).isEmpty();
        assertThat(llm.at("/message/id").asText()).startsWith("msg-");
        List<String> partTypes = new ArrayList<>();
        llm.at("/message/parts").forEach(p -> partTypes.add(p.get("type").asText()));
        assertThat(partTypes).containsExactly("reasoning", "text", "tool-weather", "tool-broken", "text", "text");
        JsonNode parts = llm.at("/message/parts");
        assertThat(parts.get(0).get("text").asText()).isEqualTo("Let me think more.");
        assertThat(parts.get(1).get("text").asText()).isEqualTo("Tool time: é ✓ 日本語 🚀\ndata: [DONE]\n\n");
        assertThat(parts.get(2).get("state").asText()).isEqualTo("input-available");
        assertThat(parts.get(2).at("/input/city").asText()).isEqualTo("Paris");
        assertThat(parts.get(3).get("state").asText()).isEqualTo("output-error");
        assertThat(parts.get(5).get("text").asText()).isEqualTo("I can't do that.");

        JsonNode rag = result.at("/scenarios/rag/message/parts");
        assertThat(rag.get(0).get("type").asText()).isEqualTo("source-document");
        assertThat(rag.get(0).get("title").asText()).isEqualTo("rag.md");
        assertThat(rag.get(1).get("type").asText()).isEqualTo("source-document");
        assertThat(rag.get(2).get("text").asText()).isEqualTo("RAG answer");

        List<String> graphParts = new ArrayList<>();
        result.at("/scenarios/graph/message/parts").forEach(p -> graphParts.add(p.get("type").asText()));
        assertThat(graphParts).containsExactly("step-start", "data-node", "source-document", "step-start",
                "data-node", "text");
        assertThat(result.at("/scenarios/graph/message/parts/1/data/status").asText()).isEqualTo("finished");
        assertThat(result.at("/scenarios/graph/message/parts/5/text").asText()).isEqualTo("Hello world");

        assertThat(result.at("/scenarios/fail/errors").toString()).contains("openai: HTTP 500: upstream down");

        JsonNode stop = result.at("/scenarios/stop");
        assertThat(stop.get("stopStatus").asInt()).isEqualTo(204);
        List<String> stopTypes = new ArrayList<>();
        stop.get("types").forEach(t -> stopTypes.add(t.asText()));
        assertThat(stopTypes.get(stopTypes.size() - 1)).isEqualTo("abort");
        assertThat(endlessClosed).as("the stopped answer's source was closed").hasValue(1);
        assertThat(result.at("/resume/unknown").asText()).as("204 for a chat never seen").isEqualTo("none");
    }
}
