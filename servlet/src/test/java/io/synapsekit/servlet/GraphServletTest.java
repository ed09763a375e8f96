package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.server.SseResponse;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A person in the loop over the wire, in real Jetty and Tomcat servers on loopback: {@link GraphServlet} (SSE
 * start and resume POSTs) and {@link TokenWebSocket#graph} (interrupt frames, resume messages) on a checkpointed
 * graph that drafts, asks, and publishes.
 */
class GraphServletTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newHttpClient();
    /** Counted down when the blocking publish node ends, however it ends. */
    private final CountDownLatch publishReleased = new CountDownLatch(1);
    private final CountDownLatch publishing = new CountDownLatch(1);
    private Container server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Drafts (streamed), asks, publishes what the person answered; with {@code block}, publish never ends. */
    private CompiledGraph graph(boolean block) {
        return new StateGraph()
                .addNode("draft", s -> {
                    GraphStreams.emitToken("draft of ");
                    GraphStreams.emitToken(String.valueOf(s.get("topic")));
                    return Map.of("draft", "draft of " + s.get("topic"));
                })
                .addNode("review", s -> Map.of("final", String.valueOf(Interrupt.ask(Map.of("draft", s.get("draft"))))))
                .addNode("publish", s -> {
                    try {
                        GraphStreams.emitToken("published: " + s.get("final"));
                        if (block) {
                            publishing.countDown();
                            new CountDownLatch(1).await(); // until the run is stopped
                        }
                        return Map.of("published", true);
                    } finally {
                        publishReleased.countDown();
                    }
                })
                .addEdge("draft", "review").addEdge("review", "publish").setEntryPoint("draft")
                .compile().withCheckpointer(new MemoryCheckpointer());
    }

    private CompiledGraph start(Container.Kind kind, boolean block) throws Exception {
        return start(kind, graph(block));
    }

    private CompiledGraph start(Container.Kind kind, CompiledGraph graph) throws Exception {
        GraphServlet servlet = GraphServlet.of(graph, q -> Map.of("topic", q))
                .withResponse(SseResponse.builder().keepAlive(Duration.ofMillis(100)).build());
        server = kind.start(servlet, List.of(TokenWebSocket.graph("/ws/graph", graph, q -> Map.of("topic", q))));
        return graph;
    }

    private HttpResponse<String> post(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri("/stream"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<SseEvent> events(String body) {
        List<SseEvent> events = new ArrayList<>();
        try (var it = SseParser.events(new java.io.ByteArrayInputStream(body.getBytes(UTF_8)))) {
            it.forEachRemaining(events::add);
        }
        return events;
    }

    private static String text(List<SseEvent> events) {
        StringBuilder s = new StringBuilder();
        events.stream().filter(e -> e.event().equals("message") && !e.data().equals("[DONE]"))
                .forEach(e -> s.append(e.data()));
        return s.toString();
    }

    private static JsonNode only(List<SseEvent> events, String type) throws Exception {
        List<SseEvent> of = events.stream().filter(e -> e.event().equals(type)).toList();
        assertThat(of).as("one %s event in %s", type, events).hasSize(1);
        return JSON.readTree(of.get(0).data());
    }

    private static String resume(String threadId, String valueJson) {
        return "{\"thread_id\":\"" + threadId + "\",\"value\":" + valueJson + "}";
    }

    private static String resume(String threadId, String checkpointId, String valueJson) {
        return "{\"thread_id\":\"" + threadId + "\",\"checkpoint_id\":\"" + checkpointId + "\",\"value\":"
                + valueJson + "}";
    }

    private String pausedThread() throws Exception {
        HttpResponse<String> started = post("{\"query\":\"rag\"}");
        assertThat(started.statusCode()).isEqualTo(200);
        return only(events(started.body()), "interrupt").path("thread_id").asText();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void sseStartPausesWithAnInterruptEventAndAResumePostStreamsTheRest(Container.Kind kind) throws Exception {
        CompiledGraph graph = start(kind, false);
        HttpResponse<String> started = post("{\"query\":\"rag\"}");

        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(started.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<SseEvent> first = events(started.body());
        assertThat(text(first)).isEqualTo("draft of rag");
        JsonNode interrupt = only(first, "interrupt");
        assertThat(interrupt.path("node").asText()).isEqualTo("review");
        assertThat(interrupt.path("payload").path("draft").asText()).isEqualTo("draft of rag");
        String threadId = interrupt.path("thread_id").asText();
        assertThat(interrupt.path("checkpoint_id").asText()).isEqualTo(graph.state(threadId).orElseThrow().id());
        assertThat(first.getLast().data()).isEqualTo("[DONE]");

        HttpResponse<String> resumed = post(resume(threadId, "{\"text\":\"my edit\"}"));
        assertThat(resumed.statusCode()).isEqualTo(200);
        List<SseEvent> rest = events(resumed.body());
        assertThat(text(rest)).isEqualTo("published: {text=my edit}");
        assertThat(rest).noneMatch(e -> e.event().equals("interrupt") || e.event().equals("error"));
        assertThat(rest.getLast().data()).isEqualTo("[DONE]");
        assertThat(graph.state(threadId).orElseThrow().state()).containsEntry("published", true);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aResumedRunThatPausesAgainEndsWithAnotherInterruptEvent(Container.Kind kind) throws Exception {
        CompiledGraph graph = start(kind, new StateGraph()
                .addNode("ask", s -> {
                    Object first = Interrupt.ask("first?");
                    Object second = Interrupt.ask("second?");
                    return Map.of("final", first + "+" + second);
                })
                .addNode("publish", s -> {
                    GraphStreams.emitToken("published: " + s.get("final"));
                    return Map.of();
                })
                .addEdge("ask", "publish").setEntryPoint("ask")
                .compile().withCheckpointer(new MemoryCheckpointer()));
        JsonNode first = only(events(post("{\"query\":\"go\"}").body()), "interrupt");
        String threadId = first.path("thread_id").asText();

        List<SseEvent> again = events(post(resume(threadId, first.path("checkpoint_id").asText(), "\"x\""))
                .body());
        JsonNode second = only(again, "interrupt");
        assertThat(second.path("thread_id").asText()).isEqualTo(threadId);
        assertThat(second.path("payload").asText()).isEqualTo("second?");
        assertThat(text(again)).isEmpty();
        // the first answer sent twice (a double click) must not answer the second question
        assertRejected(post(resume(threadId, first.path("checkpoint_id").asText(), "\"x\"")), 409, "conflict",
                first.path("checkpoint_id").asText());
        assertRejected(post("{\"thread_id\":\"" + threadId + "\",\"checkpoint_id\":7,\"value\":1}"), 400, null,
                "\"checkpoint_id\" must be a string");

        List<SseEvent> last = events(post(resume(threadId, second.path("checkpoint_id").asText(), "\"y\""))
                .body());
        assertThat(text(last)).isEqualTo("published: x+y");
        assertThat(last).noneMatch(e -> e.event().equals("interrupt"));
        assertThat(graph.state(threadId).orElseThrow().pause()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void webSocketPausesWithAnInterruptFrameAndAResumeMessageStreamsTheRest(Container.Kind kind) throws Exception {
        CompiledGraph graph = start(kind, false);
        try (WsClient ws = new WsClient(server.ws("/ws/graph"))) {
            ws.send("{\"query\":\"rag\",\"session_id\":\"s\"}");
            List<JsonNode> first = frames(ws, type("interrupt", "done", "error"));
            JsonNode interrupt = first.getLast();
            assertThat(interrupt.path("type").asText()).isEqualTo("interrupt");
            assertThat(interrupt.path("payload").path("draft").asText()).isEqualTo("draft of rag");
            String threadId = interrupt.path("thread_id").asText();

            ws.send("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"approve\"}");
            List<JsonNode> rest = frames(ws, type("interrupt", "done", "error"));
            assertThat(rest.get(0).path("content").asText()).isEqualTo("published: approve");
            assertThat(rest.getLast().path("type").asText()).isEqualTo("done");
            assertThat(graph.state(threadId).orElseThrow().state()).containsEntry("final", "approve");

            ws.send("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"approve\"}");
            JsonNode again = frames(ws, type("error", "done", "token")).getLast();
            assertThat(again.path("type").asText()).isEqualTo("error");
            assertThat(again.path("code").asText()).isEqualTo("not_paused");
            ws.send("{\"type\":\"resume\",\"thread_id\":\"nobody\",\"value\":1}");
            assertThat(frames(ws, type("error")).getLast().path("code").asText()).isEqualTo("unknown_thread");
            ws.send("{\"type\":\"nonsense\"}");
            assertThat(frames(ws, type("error")).getLast().path("code").asText()).isEqualTo("bad_message");
        }
    }

    private static Predicate<JsonNode> type(String... types) {
        return f -> List.of(types).contains(f.path("type").asText());
    }

    private static List<JsonNode> frames(WsClient ws, Predicate<JsonNode> last) throws Exception {
        List<JsonNode> got = new ArrayList<>();
        for (String m : ws.until(m -> {
            try {
                return last.test(JSON.readTree(m));
            } catch (Exception e) {
                throw new AssertionError(m, e);
            }
        })) {
            got.add(JSON.readTree(m));
        }
        return got;
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void twoConcurrentResumesOfOneThreadRunOnceAndTheOtherGets409(Container.Kind kind) throws Exception {
        CompiledGraph graph = start(kind, false);
        for (int round = 0; round < 5; round++) {
            String threadId = pausedThread();
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (String value : List.of("\"one\"", "\"two\"")) {
                    answers.add(clients.submit(() -> {
                        go.await();
                        return post(resume(threadId, value));
                    }));
                }
                go.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<HttpResponse<String>> a : answers) {
                    HttpResponse<String> r = a.get(10, TimeUnit.SECONDS);
                    statuses.add(r.statusCode());
                    if (r.statusCode() == 409) {
                        JsonNode error = JSON.readTree(r.body());
                        assertThat(error.path("code").asText()).isIn("conflict", "not_paused");
                        assertThat(error.path("error").asText()).contains(threadId);
                    } else {
                        assertThat(text(events(r.body()))).startsWith("published: ");
                    }
                }
                assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(200, 409);
            }
            assertThat(graph.state(threadId).orElseThrow().state()).containsEntry("published", true);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void twoConcurrentWebSocketResumesOfOneThreadRunOnceAndTheOtherGetsAnErrorFrame(Container.Kind kind)
            throws Exception {
        CompiledGraph graph = start(kind, false);
        for (int round = 0; round < 5; round++) {
            String threadId = pausedThread();
            try (WsClient a = new WsClient(server.ws("/ws/graph")); WsClient b = new WsClient(server.ws("/ws/graph"))) {
                String message = "{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"v\"}";
                a.send(message);
                b.send(message);
                List<JsonNode> ends = List.of(frames(a, type("done", "error")).getLast(),
                        frames(b, type("done", "error")).getLast());
                assertThat(ends).as("round %d", round).extracting(f -> f.path("type").asText())
                        .containsExactlyInAnyOrder("done", "error");
                JsonNode error = ends.stream().filter(type("error")).findFirst().orElseThrow();
                assertThat(error.path("code").asText()).isIn("conflict", "not_paused");
            }
            assertThat(graph.state(threadId).orElseThrow().state()).containsEntry("published", true);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void badBodiesAndUnresumableThreadsGetTypedErrors(Container.Kind kind) throws Exception {
        start(kind, false);
        assertRejected(post("{not json"), 400, null, "not valid JSON");
        assertRejected(post("[1]"), 400, null, "JSON object");
        assertRejected(post("{}"), 400, null, "not neither");
        assertRejected(post("{\"query\":\"a\",\"thread_id\":\"b\"}"), 400, null, "not both");
        assertRejected(post("{\"query\":7}"), 400, null, "\"query\" must be a string");
        assertRejected(post("{\"query\":\"  \"}"), 400, null, "empty query");
        assertRejected(post("{\"thread_id\":7,\"value\":1}"), 400, null, "\"thread_id\" must be a string");
        assertRejected(post("{\"thread_id\":\"t\"}"), 400, null, "needs a \"value\"");
        assertRejected(post(resume("nobody", "1")), 404, "unknown_thread", "'nobody'");
        HttpResponse<String> text = client.send(HttpRequest.newBuilder(server.uri("/stream"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertRejected(text, 415, null, "must be JSON");

        String threadId = pausedThread();
        assertThat(post(resume(threadId, "null")).statusCode()).isEqualTo(200);
        assertRejected(post(resume(threadId, "\"again\"")), 409, "not_paused", threadId);
    }

    private static void assertRejected(HttpResponse<String> r, int status, String code, String says)
            throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("error").asText()).contains(says);
        if (code != null) {
            assertThat(json.path("code").asText()).isEqualTo(code);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aClientThatLeavesDuringTheResumedSseRunStopsTheGraph(Container.Kind kind) throws Exception {
        start(kind, true);
        String threadId = pausedThread();
        byte[] body = resume(threadId, "\"go\"").getBytes(UTF_8);
        try (Socket browser = new Socket("127.0.0.1", server.port())) {
            browser.getOutputStream().write(("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(UTF_8));
            browser.getOutputStream().write(body);
            InputStream in = browser.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("published: go")) {
                int b = in.read();
                assertThat(b).as("the response so far: %s", seen).isNotNegative();
                seen.append((char) b);
            }
            assertThat(publishing.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(publishReleased.await(10, TimeUnit.SECONDS)).as("the resumed run's node was stopped").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aClientThatLeavesDuringTheResumedWebSocketRunStopsTheGraph(Container.Kind kind) throws Exception {
        start(kind, true);
        WsClient ws = new WsClient(server.ws("/ws/graph"));
        try {
            ws.send("{\"query\":\"rag\"}");
            String threadId = frames(ws, type("interrupt")).getLast().path("thread_id").asText();
            ws.send("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"go\"}");
            assertThat(frames(ws, type("token")).getLast().path("content").asText()).isEqualTo("published: go");
            assertThat(publishing.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            ws.abort();
        }
        assertThat(publishReleased.await(10, TimeUnit.SECONDS)).as("the resumed run's node was stopped").isTrue();
    }
}
