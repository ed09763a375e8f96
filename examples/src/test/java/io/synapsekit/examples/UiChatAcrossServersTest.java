package io.synapsekit.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.redis.RedisSseReplayBuffer;
import io.synapsekit.server.SseResponse;
import io.synapsekit.servlet.UiMessageServlet;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import io.synapsekit.stream.CloseableIterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * useChat's resume and stop with no sticky session: two Jetty servers, each with its own UiMessageServlet and its
 * own RedisSseReplayBuffer, share one real Redis. An answer started on A resumes on B from its {@code start} with
 * the same message id, and a stop posted to B cancels A's model call within a second.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UiChatAcrossServersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FINITE_TOKENS = 40;

    private final HttpClient client = HttpClient.newHttpClient();
    private LocalRedis redis;
    private Model model;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private JettyApp a;
    private JettyApp b;

    @BeforeEach
    void start() throws Exception {
        redis = LocalRedis.start();
        model = new Model();
        LLM llm = OpenAILLM.builder().baseUrl(model.baseUrl()).apiKey("sk-test").model("mock").build();
        a = server(llm);
        b = server(llm);
    }

    private JettyApp server(LLM llm) throws Exception {
        RedisSseReplayBuffer buffer = RedisSseReplayBuffer.connect(redis.uri());
        closeables.add(buffer);
        SseResponse shared = SseResponse.builder().replay(buffer).resumeGrace(Duration.ofSeconds(5)).build();
        JettyApp app = JettyApp.start("127.0.0.1", 0,
                Map.of("/api/chat/*", UiMessageServlet.of(llm).withResponse(shared)), List.of());
        closeables.add(0, app); // servers before their buffers
        return app;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (model != null) {
            model.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anAnswerStartedOnAResumesOnBFromItsStartWithTheSameMessageId() throws Exception {
        String startId;
        try (CloseableIterator<SseEvent> onA = SseParser.events(post(a, "/api/chat", body("chat-r", "finite")))) {
            JsonNode start = JSON.readTree(onA.next().data());
            assertThat(start.get("type").asText()).isEqualTo("start");
            startId = start.get("messageId").asText();
            for (int i = 0; i < 5; i++) {
                onA.next();
            }
        } // the page reloads, and its GET lands on the other server

        HttpResponse<InputStream> resumed = get(b, "/api/chat/chat-r/stream");
        assertThat(resumed.statusCode()).isEqualTo(200);
        assertThat(resumed.headers().firstValue("x-vercel-ai-ui-message-stream")).hasValue("v1");
        List<JsonNode> chunks = chunks(events(resumed.body()));

        assertThat(types(chunks).get(0)).isEqualTo("start");
        assertThat(chunks.get(0).get("messageId").asText()).as("the same message id").isEqualTo(startId);
        assertThat(types(chunks)).containsOnlyOnce("start").endsWith("finish");
        assertThat(text(chunks)).isEqualTo(Model.finiteAnswer());
        assertThat(model.calls).as("one upstream call").hasValue(1);
        assertThat(get(b, "/api/chat/chat-never-seen/stream").statusCode()).isEqualTo(204);
    }

    @Test
    void aStopPostedToBCancelsTheModelCallOnAWithinASecond() throws Exception {
        List<SseEvent> events = new ArrayList<>();
        try (CloseableIterator<SseEvent> onA = SseParser.events(post(a, "/api/chat", body("chat-s", "hold")))) {
            while (events.size() < 5) {
                events.add(onA.next());
            }
            long sent = System.nanoTime();
            HttpResponse<InputStream> stop = send(b, "/api/chat/chat-s/stop", "");
            assertThat(stop.statusCode()).isEqualTo(204);
            stop.body().close();

            assertThat(model.closed.await(5, TimeUnit.SECONDS)).as("the model saw its connection closed").isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(model.closedAt.get() - sent);
            assertThat(millis).as("ms from the stop on B to the model call on A closing").isLessThan(1_000);
            onA.forEachRemaining(events::add);
        }
        assertThat(types(chunks(events))).last().isEqualTo("abort");
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        assertThat(get(b, "/api/chat/chat-s/stream").statusCode()).as("nothing active after the stop").isEqualTo(204);
        assertThat(model.calls).hasValue(1);
    }

    @Test
    void withRedisGoneResumeAndStopAnswer503AndANewAnswerStillStreams() throws Exception {
        redis.close();
        redis = null;
        HttpResponse<InputStream> resume = get(b, "/api/chat/chat-g/stream");
        assertThat(resume.statusCode()).isEqualTo(503);
        assertThat(new String(resume.body().readAllBytes(), UTF_8)).contains("chat-g").contains("unreachable");
        HttpResponse<InputStream> stop = send(b, "/api/chat/chat-g/stop", "");
        assertThat(stop.statusCode()).isEqualTo(503);
        stop.body().close();

        List<JsonNode> chunks = chunks(events(post(a, "/api/chat", body("chat-g", "finite"))));
        assertThat(types(chunks)).startsWith("start").endsWith("finish");
        assertThat(text(chunks)).isEqualTo(Model.finiteAnswer());
    }

    private static String body(String chatId, String question) {
        return "{\"id\":\"" + chatId + "\",\"trigger\":\"submit-message\",\"messages\":[{\"id\":\"m1\","
                + "\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"" + question + "\"}]}]}";
    }

    private InputStream post(JettyApp server, String path, String body) throws Exception {
        HttpResponse<InputStream> response = send(server, path, body);
        assertThat(response.statusCode()).as("POST " + path).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<InputStream> send(JettyApp server, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.http(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpResponse<InputStream> get(JettyApp server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.http(path)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static List<SseEvent> events(InputStream body) {
        List<SseEvent> events = new ArrayList<>();
        try (CloseableIterator<SseEvent> it = SseParser.events(body)) {
            it.forEachRemaining(events::add);
        }
        return events;
    }

    private static List<JsonNode> chunks(List<SseEvent> events) throws IOException {
        List<JsonNode> chunks = new ArrayList<>();
        for (SseEvent e : events) {
            if (!e.data().equals("[DONE]")) {
                chunks.add(JSON.readTree(e.data()));
            }
        }
        return chunks;
    }

    private static List<String> types(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.get("type").asText()).toList();
    }

    private static String text(List<JsonNode> chunks) {
        return chunks.stream().filter(c -> c.get("type").asText().equals("text-delta"))
                .map(c -> c.get("delta").asText()).collect(Collectors.joining());
    }

    /**
     * An OpenAI-compatible model on loopback counting its calls: the question {@code finite} gets
     * {@link #FINITE_TOKENS} tokens paced like a model, {@code hold} a token every 20 ms until its connection is
     * closed, which {@link #closed} reports.
     */
    private static final class Model implements AutoCloseable {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicLong closedAt = new AtomicLong();
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final HttpServer server;

        Model() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(executor);
            server.createContext("/v1/chat/completions", this::chat);
            server.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        }

        String baseUrl() {
            return base().toString();
        }

        static String token(int i) {
            return "w" + i + (i % 9 == 8 ? "\n" : " ");
        }

        static String finiteAnswer() {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < FINITE_TOKENS; i++) {
                s.append(token(i));
            }
            return s.toString();
        }

        private void chat(HttpExchange exchange) throws IOException {
            try (exchange) {
                String request = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
                calls.incrementAndGet();
                boolean hold = request.contains("\"hold\"");
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                try {
                    for (int i = 0; hold || i < FINITE_TOKENS; i++) {
                        out.write(chunk("{\"content\":" + JSON.writeValueAsString(token(i)) + "}", "null")
                                .getBytes(UTF_8));
                        out.flush();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a model's pace, not a sync
                    }
                    out.write((chunk("{}", "\"stop\"") + "data: [DONE]\n\n").getBytes(UTF_8));
                } catch (IOException e) {
                    closedAt.set(System.nanoTime());
                    closed.countDown();
                }
            }
        }

        private static String chunk(String delta, String finishReason) {
            return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mock\","
                    + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
