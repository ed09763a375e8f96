package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import io.synapsekit.stream.CloseableIterator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * UiMessageServlet in real Jetty and Tomcat servers on loopback, answering useChat's requests through a real
 * OpenAILLM from a mock upstream: the UI message stream on the wire, the history reaching the model, bad bodies,
 * resume by chat id from the start with the same message id, explicit stop, and disconnects with and without
 * resumability.
 */
class UiMessageServletTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = List.of("Retrieval", "-Aug", "mented\n\nGeneration", "data: [DONE]",
            " é ✓ 日本語 🚀", "\r\nid: 7", " end.");
    private static final String ANSWER = String.join("", TOKENS);

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

    private void start(Container.Kind kind, List<String> tokens, Duration pace,
            UnaryOperator<UiMessageServlet> settings) throws Exception {
        upstream = new MockOpenAI(tokens, pace);
        LLM llm = OpenAILLM.builder().baseUrl(upstream.baseUrl()).apiKey("sk-test").model("mock").build();
        server = kind.start(settings.apply(UiMessageServlet.of(llm)), List.of());
    }

    static String body(String chatId, String... turns) {
        StringBuilder s = new StringBuilder("{\"id\":\"" + chatId + "\",\"trigger\":\"submit-message\",\"messages\":[");
        for (int i = 0; i < turns.length; i++) {
            String role = i % 2 == 0 ? "user" : "assistant";
            s.append(i == 0 ? "" : ",").append("{\"id\":\"m").append(i).append("\",\"role\":\"").append(role)
                    .append("\",\"parts\":[{\"type\":\"text\",\"text\":").append(quoted(turns[i])).append("}]}");
        }
        return s.append("]}").toString();
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<InputStream> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpResponse<InputStream> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<SseEvent> events(InputStream body) {
        List<SseEvent> events = new ArrayList<>();
        try (var it = SseParser.events(body)) {
            it.forEachRemaining(events::add);
        }
        return events;
    }

    static List<JsonNode> chunks(List<SseEvent> events) throws Exception {
        List<JsonNode> chunks = new ArrayList<>();
        for (SseEvent e : events) {
            if (!e.data().equals("[DONE]")) {
                chunks.add(JSON.readTree(e.data()));
            }
        }
        return chunks;
    }

    static List<String> types(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.get("type").asText()).toList();
    }

    static String text(List<JsonNode> chunks) {
        return chunks.stream().filter(c -> c.get("type").asText().equals("text-delta"))
                .map(c -> c.get("delta").asText()).collect(Collectors.joining());
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void postAnswersWithTheUiMessageStreamAndTheWholeHistoryReachesTheModel(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, s -> s);
        HttpResponse<InputStream> response = post("/stream",
                body("chat-1", "What is RAG?", "RAG is retrieval.", "And SSE?"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-vercel-ai-ui-message-stream")).hasValue("v1");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v.toLowerCase()).startsWith("text/event-stream"));
        List<SseEvent> events = events(response.body());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = chunks(events);
        assertThat(types(chunks)).startsWith("start", "text-start").endsWith("text-end", "finish");
        assertThat(chunks.get(0).get("messageId").asText()).startsWith("msg-");
        // SSE carries no carriage return: "\r\n" in a token arrives as JSON "\r\n" inside the data, intact.
        assertThat(text(chunks)).isEqualTo(ANSWER);
        assertThat(chunks.get(chunks.size() - 1).get("finishReason").asText()).isEqualTo("stop");

        JsonNode upstreamRequest = JSON.readTree(upstream.bodies.poll(5, TimeUnit.SECONDS));
        List<String> sent = new ArrayList<>();
        upstreamRequest.get("messages").forEach(m -> sent.add(m.get("role").asText() + ":" + m.get("content").asText()));
        assertThat(sent).containsExactly("user:What is RAG?", "assistant:RAG is retrieval.", "user:And SSE?");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void badRequestsGetA400NamingTheFieldAndNeverReachTheModel(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, s -> s.withMaxBodyBytes(2_000));
        assertRejected(post("/stream", "{\"id\":\"c\"}"), 400, "messages: expected an array");
        assertRejected(post("/stream", "{\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                + "\"text\":1}]}]}"), 400, "messages[0].parts[0].text: expected a string");
        assertRejected(post("/stream", "nope"), 400, "not valid JSON");
        assertRejected(post("/stream", body("c", "x".repeat(2_100))), 400, "larger than 2000 bytes");
        assertRejected(client.send(HttpRequest.newBuilder(server.uri("/stream"))
                .POST(HttpRequest.BodyPublishers.ofString(body("c", "hi"))).build(),
                HttpResponse.BodyHandlers.ofInputStream()), 415, "must be JSON");
        assertRejected(post("/stream/c/unknown", "{}"), 404, "no such endpoint");
        assertRejected(get("/stream/c/other"), 404, "no such endpoint");
        assertThat(upstream.requests).hasValue(0);
    }

    private static void assertRejected(HttpResponse<InputStream> response, int status, String message)
            throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void resumeIs204WhenNothingIsActiveOrNotResumable(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO, UiMessageServlet::resumable);
        assertThat(get("/stream/never-seen/stream").statusCode()).isEqualTo(204);
        events(post("/stream", body("done-chat", "hi")).body());
        assertThat(get("/stream/done-chat/stream").statusCode()).as("finished answers are not active")
                .isEqualTo(204);
        server.close();
        upstream.close();

        start(kind, TOKENS, Duration.ofMillis(50), s -> s);
        HttpResponse<InputStream> answering = post("/stream", body("live", "hi"));
        try (CloseableIterator<SseEvent> it = SseParser.events(answering.body())) {
            it.next();
            assertThat(get("/stream/live/stream").statusCode()).as("not resumable").isEqualTo(204);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aResumeReplaysTheActiveAnswerFromStartWithTheSameMessageIdThenLive(Container.Kind kind) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tokens.add("w" + i + (i % 9 == 8 ? "\n" : " "));
        }
        start(kind, tokens, Duration.ofMillis(25), UiMessageServlet::resumable);
        HttpResponse<InputStream> first = post("/stream", body("chat-r", "long one"));
        List<SseEvent> seen = new ArrayList<>();
        try (CloseableIterator<SseEvent> it = SseParser.events(first.body())) {
            while (seen.size() < 6) {
                seen.add(it.next());
            }
        } // the page reloads: the first connection goes away

        HttpResponse<InputStream> resumed = get("/stream/chat-r/stream");
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(resumed.headers().firstValue("x-vercel-ai-ui-message-stream")).hasValue("v1");
        List<JsonNode> replay = chunks(events(resumed.body()));

        assertThat(types(replay).get(0)).isEqualTo("start");
        assertThat(replay.get(0).get("messageId").asText())
                .isEqualTo(JSON.readTree(seen.get(0).data()).get("messageId").asText());
        assertThat(text(replay)).isEqualTo(String.join("", tokens));
        assertThat(types(replay)).containsOnlyOnce("start").endsWith("finish");
        assertThat(upstream.requests).as("one upstream call").hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void stopCancelsTheUpstreamCallWithinASecondAndTheStreamEndsWithAbort(Container.Kind kind) throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            many.add("t" + i + " ");
        }
        start(kind, many, Duration.ofMillis(20), UiMessageServlet::resumable);
        HttpResponse<InputStream> answering = post("/stream", body("chat-s", "go on"));
        List<SseEvent> events = new ArrayList<>();
        try (CloseableIterator<SseEvent> it = SseParser.events(answering.body())) {
            while (events.size() < 5) {
                events.add(it.next());
            }
            long stoppedAt = System.nanoTime();
            HttpResponse<InputStream> stop = post("/stream/chat-s/stop", "");
            assertThat(stop.statusCode()).isEqualTo(204);

            assertThat(upstream.disconnected.await(5, TimeUnit.SECONDS)).as("upstream saw the stop").isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(upstream.disconnectedAtNanos.get() - stoppedAt);
            assertThat(millis).as("ms from stop to the upstream seeing it").isLessThan(1_000);
            it.forEachRemaining(events::add);
        }
        List<String> types = types(chunks(events));
        assertThat(types.get(types.size() - 1)).isEqualTo("abort");
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(get("/stream/chat-s/stream").statusCode()).as("nothing active after a stop").isEqualTo(204);
        assertThat(post("/stream/chat-s/stop", "").statusCode()).as("stopping again").isEqualTo(204);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aNewQuestionInTheSameChatStopsTheAnswerStillRunning(Container.Kind kind) throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            many.add("t" + i + " ");
        }
        start(kind, many, Duration.ofMillis(20), UiMessageServlet::resumable);
        HttpResponse<InputStream> first = post("/stream", body("chat-n", "first"));
        List<SseEvent> events = new ArrayList<>();
        try (CloseableIterator<SseEvent> it = SseParser.events(first.body())) {
            while (events.size() < 4) {
                events.add(it.next());
            }
            HttpResponse<InputStream> second = post("/stream", body("chat-n", "first", "t0 t1", "second"));
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(upstream.disconnected.await(5, TimeUnit.SECONDS)).as("the first answer was cancelled").isTrue();
            it.forEachRemaining(events::add);
            second.body().close();
        }
        List<String> types = types(chunks(events));
        assertThat(types.get(types.size() - 1)).isEqualTo("abort");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void withoutResumabilityADisconnectCancelsTheUpstreamAtOnce(Container.Kind kind) throws Exception {
        assertDisconnect(kind, s -> s, true);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aResumableAnswerKeepsGeneratingThroughTheGraceAfterADisconnect(Container.Kind kind) throws Exception {
        assertDisconnect(kind, s -> s.resumable(Duration.ofSeconds(30)), false);
    }

    private void assertDisconnect(Container.Kind kind, UnaryOperator<UiMessageServlet> settings, boolean cancels)
            throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            tokens.add("t" + i + " ");
        }
        start(kind, tokens, Duration.ofMillis(20), settings);
        String body = body("chat-d", "long");
        long closedAt;
        try (Socket browser = new Socket("127.0.0.1", server.port())) {
            OutputStream out = browser.getOutputStream();
            out.write(("POST /stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(UTF_8).length + "\r\n\r\n" + body).getBytes(UTF_8));
            out.flush();
            InputStream in = browser.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("t2 ")) {
                int b = in.read();
                assertThat(b).as("stream ended early: " + seen).isNotNegative();
                seen.append((char) b);
            }
            closedAt = System.nanoTime();
        }
        if (cancels) {
            assertThat(upstream.disconnected.await(5, TimeUnit.SECONDS)).as("upstream saw the disconnect").isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(upstream.disconnectedAtNanos.get() - closedAt);
            assertThat(millis).as("ms from the browser closing to the upstream seeing it").isLessThan(1_000);
        } else {
            // The answer runs to its end within the grace, and a resume still gets all of it.
            HttpResponse<InputStream> resumed = get("/stream/chat-d/stream");
            assertThat(resumed.statusCode()).isEqualTo(200);
            assertThat(text(chunks(events(resumed.body())))).isEqualTo(String.join("", tokens));
            assertThat(upstream.disconnected.getCount()).as("upstream never cancelled").isEqualTo(1);
            assertThat(upstream.requests).hasValue(1);
        }
    }
}
