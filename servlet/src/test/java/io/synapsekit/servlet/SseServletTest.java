package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.SseResponse;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SseServlet in real Jetty and Tomcat servers on loopback, answering through a real OpenAILLM from a mock upstream: the wire
 * format, validation, the disconnect that cancels the upstream request, and resuming with Last-Event-ID.
 */
class SseServletTest {

    private static final List<String> TOKENS = List.of("Retrieval", "-Aug", "mented\n\nGeneration", "data: [DONE]",
            " [DONE]", "\r\nid: 7", " end.");
    private static final String ANSWER = String.join("", TOKENS).replace("\r\n", "\n");

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

    private void start(Container.Kind kind, List<String> tokens, Duration pace, SseResponse sse) throws Exception {
        upstream = new MockOpenAI(tokens, pace);
        LLM llm = llm();
        SseServlet servlet = SseServlet.tokens(llm::stream);
        server = kind.start(sse == null ? servlet : servlet.withResponse(sse), List.of());
    }

    private static List<SseEvent> events(InputStream body) {
        List<SseEvent> events = new ArrayList<>();
        try (var it = SseParser.events(body)) {
            it.forEachRemaining(events::add);
        }
        return events;
    }

    private static String text(List<SseEvent> events) {
        StringBuilder s = new StringBuilder();
        for (SseEvent e : events) {
            if (e.event().equals("message") && !e.data().equals("[DONE]")) {
                s.append(e.data());
            }
        }
        return s.toString();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void getStreamsEveryTokenAsAnEventWithTheRightHeadersAndDoneLast(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, null);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                server.uri("/stream?query=" + URLEncoder.encode("What is RAG?", UTF_8))).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v.replace(" ", "").toLowerCase()).isEqualTo("text/event-stream;charset=utf-8"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        List<SseEvent> events = events(response.body());
        assertThat(events).extracting(SseEvent::data).containsExactly("Retrieval", "-Aug", "mented\n\nGeneration",
                "data: [DONE]", " [DONE]", "\nid: 7", " end.", "[DONE]");
        assertThat(events).allSatisfy(e -> assertThat(e.id()).isNotEmpty());
        assertThat(events).extracting(SseEvent::id).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void postWithAJsonBodyStreamsTheSameAnswer(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, null);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(server.uri("/stream"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"Explain vector databases\"}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(events(response.body()))).isEqualTo(ANSWER);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void badRequestsGetA400WithAJsonErrorAndNeverReachTheModel(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, null);
        assertRejected(get("/stream"), 400, "missing query");
        assertRejected(get("/stream?query="), 400, "empty query");
        assertRejected(get("/stream?query=%20%20"), 400, "empty query");
        assertRejected(get("/stream?query=" + "x".repeat(SseServlet.DEFAULT_MAX_QUERY_CHARS + 1)), 400, "too long");
        assertRejected(post("application/json", "{\"query\": "), 400, "not valid JSON");
        assertRejected(post("application/json", "[\"query\"]"), 400, "JSON object with a string \"query\"");
        assertRejected(post("application/json", "{\"query\": 42}"), 400, "string \"query\"");
        assertRejected(post("application/json", "{\"question\": \"x\"}"), 400, "string \"query\"");
        assertRejected(post("application/json", "{\"query\": \"\"}"), 400, "empty query");
        assertRejected(post("application/json", "{\"query\": \"" + "y".repeat(70_000) + "\"}"), 400, "larger than");
        assertRejected(post("text/plain", "What is RAG?"), 415, "must be JSON");
        assertThat(upstream.requests).hasValue(0);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri("/stream")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRejected(HttpResponse<String> response, int status, String message)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        assertThat(json.size()).isEqualTo(1);
        assertThat(json.path("error").asText()).contains(message);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aServletRegisteredWithoutAsyncSupportAnswers500NamingTheSetting(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(TOKENS, Duration.ZERO);
        LLM llm = llm();
        server = kind.start(SseServlet.tokens(llm::stream), List.of(), Container.Option.NO_ASYNC);

        assertRejected(get("/stream?query=hi"), 500, "asyncSupported=true");
        assertRejected(post("application/json", "{\"query\": \"hi\"}"), 500, "asyncSupported=true");
        assertThat(upstream.requests).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aClientThatClosesTheConnectionCancelsTheUpstreamRequestWithinASecond(Container.Kind kind) throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            many.add("t" + i + " ");
        }
        start(kind, many, Duration.ofMillis(20), null);
        long closedAt;
        try (Socket browser = new Socket("127.0.0.1", server.port())) {
            OutputStream out = browser.getOutputStream();
            out.write(("GET /stream?query=long HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(UTF_8));
            out.flush();
            InputStream in = browser.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("data: t2 ")) {
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

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void sendsKeepAlivesWhileTheModelThinks(Container.Kind kind) throws Exception {
        upstream = new MockOpenAI(List.of("late"), Duration.ZERO);
        upstream.firstTokenDelay(Duration.ofMillis(400));
        LLM llm = llm();
        server = kind.start(SseServlet.tokens(llm::stream)
                .withResponse(SseResponse.builder().keepAlive(Duration.ofMillis(50)).build()), List.of());

        HttpResponse<String> response = get("/stream?query=slow");

        assertThat(response.body()).contains(": keep-alive\n\n");
        assertThat(response.body().indexOf(": keep-alive")).isLessThan(response.body().indexOf("data: late"));
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void anUpstreamFailureBecomesAnErrorEventThenDone(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, null);
        upstream.failWith(500);

        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(server.uri("/stream?query=x")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<SseEvent> events = events(response.body());

        assertThat(events).extracting(SseEvent::event).containsSubsequence("error", "message");
        SseEvent error = events.stream().filter(e -> e.event().equals("error")).findFirst().orElseThrow();
        assertThat(error.data()).startsWith("{\"message\":").contains("500").doesNotContain("sk-test");
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aReconnectWithLastEventIdGetsTheRestOfTheSameAnswerWithoutASecondLlmCall(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ofMillis(30), SseResponse.builder().replay(InMemorySseReplayBuffer.create())
                .resumeGrace(Duration.ofSeconds(10)).build());
        String lastId;
        List<SseEvent> before = new ArrayList<>();
        try (Socket browser = new Socket("127.0.0.1", server.port())) {
            browser.getOutputStream().write(("GET /stream?query=rag HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(UTF_8));
            InputStream in = browser.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            // chunked transfer coding: the parser skips the chunk-size lines as unknown fields, so read on raw
            var it = SseParser.events(new ChunkedInputStream(in));
            while (before.size() < 2) {
                before.add(it.next());
            }
            lastId = before.get(1).id();
        }

        HttpResponse<InputStream> resumed = client.send(HttpRequest.newBuilder(server.uri("/stream?query=rag"))
                .header("Last-Event-ID", lastId).build(), HttpResponse.BodyHandlers.ofInputStream());
        List<SseEvent> rest = events(resumed.body());

        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(text(before) + text(rest)).isEqualTo(ANSWER);
        assertThat(rest.get(rest.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(upstream.requests).hasValue(1);

        HttpResponse<String> afterDone = client.send(HttpRequest.newBuilder(server.uri("/stream?query=rag"))
                .header("Last-Event-ID", rest.get(rest.size() - 1).id()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(afterDone.statusCode()).isEqualTo(204);
        assertThat(upstream.requests).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aReconnectToAServletWithoutReplayGets204AndNeverAsksTwice(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, null);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/stream?query=x"))
                .header("Last-Event-ID", "3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(upstream.requests).hasValue(0);
    }
}
