package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.agui.AgUiStreams;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AgUiServlet in real Jetty and Tomcat servers on loopback, answering through a real OpenAILLM from a mock upstream:
 * the AG-UI wire format, validation, the request-aware form, failures, and the disconnect that cancels upstream.
 */
class AgUiServletTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = List.of("Agents ", "speak \"AG-UI\"", "\nnow ✓", " [DONE]");
    private static final String RUN = """
            {"threadId":"thread-1","runId":"run-1","state":{"topic":"SSE"},"tools":[],"context":[],
             "forwardedProps":{},"messages":[{"id":"u1","role":"user","content":"What is AG-UI?"}]}""";

    private final HttpClient client = HttpClient.newHttpClient();
    private MockOpenAI upstream;
    private Container server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private LLM llm() {
        return OpenAILLM.builder().baseUrl(upstream.baseUrl()).apiKey("sk-test").model("mock").build();
    }

    private HttpResponse<InputStream> run(String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri("/stream")).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").header("X-Tenant", "acme")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Reads the body as an AG-UI client does: every data line is one JSON event; no [DONE], no named events. */
    private static List<JsonNode> agUiEvents(InputStream body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (var it = SseParser.events(body)) {
            while (it.hasNext()) {
                SseEvent e = it.next();
                assertThat(e.event()).isEqualTo("message");
                events.add(JSON.readTree(e.data()));
            }
        }
        return events;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void anLlmRunStreamsTextMessagesBetweenRunStartedAndRunFinished(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        server = kind.start(AgUiServlet.llm(llm()), List.of());

        HttpResponse<InputStream> response = run(RUN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v.toLowerCase()).startsWith("text/event-stream"));
        List<JsonNode> events = agUiEvents(response.body());
        List<String> expected = new ArrayList<>(List.of("RUN_STARTED", "TEXT_MESSAGE_START"));
        TOKENS.forEach(t -> expected.add("TEXT_MESSAGE_CONTENT"));
        expected.addAll(List.of("TEXT_MESSAGE_END", "RUN_FINISHED"));
        assertThat(types(events)).containsExactlyElementsOf(expected);
        assertThat(events.get(0).get("threadId").asText()).isEqualTo("thread-1");
        assertThat(events.get(0).get("runId").asText()).isEqualTo("run-1");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.has("delta")).forEach(e -> text.append(e.get("delta").asText()));
        assertThat(text.toString()).isEqualTo(String.join("", TOKENS));
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aFrontendToolsResultAndTheContextReachTheModelOnTheNextRun(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        server = kind.start(AgUiServlet.llm(llm()), List.of());
        String followUp = """
                {"threadId":"thread-1","runId":"run-2","state":{},"forwardedProps":{},
                 "tools":[{"name":"weather","description":"Weather by city","parameters":{"type":"object"}}],
                 "context":[{"description":"user name","value":"Ada"}],
                 "messages":[{"id":"u1","role":"user","content":"Weather in Oslo?"},
                   {"id":"a1","role":"assistant","toolCalls":[{"id":"call_1","type":"function",
                     "function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                   {"id":"t1","role":"tool","content":"sunny","toolCallId":"call_1"}]}""";

        assertThat(types(agUiEvents(run(followUp).body()))).startsWith("RUN_STARTED").endsWith("RUN_FINISHED");

        JsonNode sent = JSON.readTree(upstream.bodies.poll(5, TimeUnit.SECONDS));
        JsonNode messages = sent.get("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).get("content").asText()).contains("user name: Ada");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(2).at("/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(messages.get(2).at("/tool_calls/0/function/name").asText()).isEqualTo("weather");
        assertThat(messages.get(3).get("role").asText()).isEqualTo("tool");
        assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(messages.get(3).get("content").asText()).isEqualTo("sunny");
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("weather");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void badRunsGetA400NamingTheFieldAndNeverReachTheModel(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        server = kind.start(AgUiServlet.llm(llm()), List.of());

        assertRejected(post("application/json", "{\"threadId\":"), 400, "not valid JSON");
        assertRejected(post("application/json", "{\"threadId\":\"t\",\"messages\":[]}"), 400, "runId: is missing");
        assertRejected(post("application/json", RUN.replace("\"user\"", "\"robot\"")), 400,
                "messages[0].role: must be one of");
        assertRejected(post("application/json", RUN.replace("\"role\":\"user\"", "\"role\":\"system\"")), 400,
                "messages: has no user message to answer");
        assertRejected(post("application/json", RUN.replace("What is AG-UI?",
                "x".repeat(AgUiServlet.DEFAULT_MAX_BODY_BYTES))), 400, "larger than");
        assertRejected(post("text/plain", RUN), 415, "must be JSON");
        assertThat(upstream.requests).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aServletRegisteredWithoutAsyncSupportAnswers500NamingTheSetting(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        server = kind.start(AgUiServlet.llm(llm()), List.of(), Container.Option.NO_ASYNC);

        assertRejected(post("application/json", RUN), 500, "setAsyncSupported(true)");
        assertThat(upstream.requests).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void theRequestAwareFormSeesTheHeadersThreadMessagesAndState(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        LLM llm = llm();
        BlockingQueue<AgUiRequest> seen = new ArrayBlockingQueue<>(1);
        server = kind.start(AgUiServlet.of(req -> {
            seen.add(req);
            return AgUiStreams.llm(req.input(), llm.events(req.input().chatMessages(),
                    io.synapsekit.llm.GenerateOptions.defaults()));
        }), List.of());

        List<JsonNode> events = agUiEvents(run(RUN).body());

        AgUiRequest req = seen.poll(5, TimeUnit.SECONDS);
        assertThat(req).isNotNull();
        assertThat(req.header("x-tenant")).hasValue("acme");
        assertThat(req.threadId()).isEqualTo("thread-1");
        assertThat(req.principal()).isNull();
        assertThat(req.input().state()).isEqualTo(Map.of("topic", "SSE"));
        assertThat(req.input().lastUserText()).hasValue("What is AG-UI?");
        assertThat(req.toString()).doesNotContain("acme");
        assertThat(types(events)).startsWith("RUN_STARTED").endsWith("RUN_FINISHED");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aGraphRunSendsStepsAndStateDeltasOverTheWire(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        CompiledGraph graph = new StateGraph().addNode("answer", LlmNode.of(llm()).outputKey("answer"))
                .setEntryPoint("answer").setFinishPoint("answer").compile();
        server = kind.start(AgUiServlet.graph(graph), List.of());

        List<JsonNode> events = agUiEvents(run(RUN).body());

        assertThat(types(events)).startsWith("RUN_STARTED", "STATE_SNAPSHOT", "STEP_STARTED", "TEXT_MESSAGE_START")
                .endsWith("TEXT_MESSAGE_END", "STATE_DELTA", "STEP_FINISHED", "RUN_FINISHED");
        assertThat(events.get(1).get("snapshot")).isEqualTo(JSON.readTree(
                "{\"topic\":\"SSE\",\"input\":\"What is AG-UI?\"}"));
        JsonNode delta = events.get(events.size() - 3).get("delta");
        assertThat(delta).isEqualTo(JSON.createArrayNode().add(JSON.createObjectNode().put("op", "add")
                .put("path", "/answer").put("value", String.join("", TOKENS))));
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void anUpstreamFailureEndsTheRunWithRunError(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        upstream.failWith(500);
        server = kind.start(AgUiServlet.llm(llm()), List.of());

        List<JsonNode> events = agUiEvents(run(RUN).body());

        assertThat(types(events)).containsExactly("RUN_STARTED", "RUN_ERROR");
        JsonNode error = events.get(1);
        assertThat(error.get("message").asText()).contains("500").contains("mock failure");
        assertThat(error.toString()).doesNotContain("sk-test").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aClientThatClosesTheConnectionCancelsTheUpstreamRequestWithinASecond(Container.Kind kind) throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            many.add("t" + i + " ");
        }
        upstream = new MockOpenAI(many, Duration.ofMillis(20));
        server = kind.start(AgUiServlet.llm(llm()), List.of());
        byte[] body = RUN.getBytes(UTF_8);
        long closedAt;
        try (Socket browser = new Socket("127.0.0.1", server.port())) {
            OutputStream out = browser.getOutputStream();
            out.write(("POST /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(UTF_8));
            out.write(body);
            out.flush();
            InputStream in = browser.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("\"delta\":\"t2 \"")) {
                int b = in.read();
                assertThat(b).as("stream ended early: " + seen).isNotNegative();
                seen.append((char) b);
            }
            closedAt = System.nanoTime();
        }

        assertThat(upstream.disconnected.await(5, TimeUnit.SECONDS)).as("upstream saw the disconnect").isTrue();
        long millis = TimeUnit.NANOSECONDS.toMillis(upstream.disconnectedAtNanos.get() - closedAt);
        assertThat(millis).as("ms from the browser closing to the upstream seeing it").isLessThan(1_000);
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri("/stream")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRejected(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
    }
}
