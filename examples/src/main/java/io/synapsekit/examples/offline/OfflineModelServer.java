package io.synapsekit.examples.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline demo model: an OpenAI-compatible Chat Completions server on loopback that streams a deterministic,
 * prompt-grounded answer over real HTTP and SSE, one token at a time at a realistic pace.
 *
 * <p>It lets every example run with no API key and no network, through exactly the code path a real provider
 * uses ({@code OpenAILLM}, the JDK transport, the SSE parser). What it answers is decided by
 * {@link OfflineAnswers}: a RAG prompt is answered from the context it supplies.
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} (streamed when {@code "stream": true}, with a usage chunk when
 * {@code stream_options.include_usage} is set) and {@code GET /v1/models}. Each request is served on its own
 * virtual thread; a client that disconnects stops its answer at the next write.
 *
 * <p>Thread-safe. {@link #close()} stops the server; idempotent.
 */
public final class OfflineModelServer implements AutoCloseable {

    /** The model name the server reports. */
    public static final String MODEL = "synapsekit-offline-demo";

    private static final Logger log = LoggerFactory.getLogger(OfflineModelServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Duration tokenDelay;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong tokensSent = new AtomicLong();
    private final AtomicLong openStreams = new AtomicLong();
    private final AtomicLong abandonedStreams = new AtomicLong();

    private OfflineModelServer(HttpServer server, ExecutorService executor, Duration tokenDelay) {
        this.server = server;
        this.executor = executor;
        this.tokenDelay = tokenDelay;
    }

    /**
     * Starts a server on an ephemeral loopback port.
     *
     * @param tokenDelay the pause between two tokens; {@link Duration#ZERO} streams as fast as possible
     */
    public static OfflineModelServer start(Duration tokenDelay) {
        if (tokenDelay.isNegative()) {
            throw new IllegalArgumentException("tokenDelay must not be negative: " + tokenDelay);
        }
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ExecutorService executor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("offline-model-", 0).factory());
            OfflineModelServer s = new OfflineModelServer(http, executor, tokenDelay);
            http.createContext("/v1/chat/completions", s::chat);
            http.createContext("/v1/models", s::models);
            http.setExecutor(executor);
            http.start();
            log.debug("offline demo model listening on {}", s.baseUrl());
            return s;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start the offline demo model on loopback", e);
        }
    }

    /** Returns the OpenAI-style base URL, e.g. {@code http://127.0.0.1:41234/v1}. */
    public String baseUrl() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/v1";
    }

    /** Returns how many chat requests the server has received. */
    public long requestCount() {
        return requests.get();
    }

    /** Returns how many answer tokens the server has written to clients, over all requests. */
    public long tokensSent() {
        return tokensSent.get();
    }

    /** Returns how many streamed answers are being written now. */
    public long openStreams() {
        return openStreams.get();
    }

    /** Returns how many streamed answers ended because the client went away before the end. */
    public long abandonedStreams() {
        return abandonedStreams.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void models(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\","
                    + "\"owned_by\":\"synapsekit\"}]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                error(exchange, 405, "use POST");
                return;
            }
            requests.incrementAndGet();
            JsonNode request;
            try (InputStream in = exchange.getRequestBody()) {
                request = JSON.readTree(in);
            } catch (IOException e) {
                error(exchange, 400, "request body is not JSON");
                return;
            }
            if (request == null || !request.path("messages").isArray() || request.path("messages").isEmpty()) {
                error(exchange, 400, "'messages' must be a non-empty array");
                return;
            }
            List<OfflineAnswers.Message> messages = new ArrayList<>();
            for (JsonNode m : request.get("messages")) {
                messages.add(new OfflineAnswers.Message(m.path("role").asText("user"), m.path("content").asText("")));
            }
            String answer = OfflineAnswers.answer(messages);
            List<String> tokens = Tokens.split(answer);
            int dropAfter = dropAfter(request.path("model").asText(""));
            if (dropAfter >= 0 && dropAfter < tokens.size()) {
                tokens = tokens.subList(0, dropAfter);
            }
            int promptTokens = messages.stream().mapToInt(m -> Tokens.split(m.content()).size()).sum();
            if (request.path("stream").asBoolean(false)) {
                boolean usage = request.path("stream_options").path("include_usage").asBoolean(false);
                stream(exchange, tokens, usage ? promptTokens : -1, dropAfter >= 0);
            } else {
                whole(exchange, answer, promptTokens, tokens.size());
            }
        }
    }

    /**
     * Returns N when the model name asks the server to cut the answer after N tokens ({@code MODEL + ":drop-after-N"}),
     * or -1. The guide's "interrupted stream" example uses it to show what a dropped connection looks like.
     */
    private static int dropAfter(String model) {
        String marker = ":drop-after-";
        int i = model.indexOf(marker);
        if (i < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(model.substring(i + marker.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void stream(HttpExchange exchange, List<String> tokens, int promptTokens, boolean drop)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        openStreams.incrementAndGet();
        try {
            send(out, chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
            for (String token : tokens) {
                pause();
                ObjectNode delta = JSON.createObjectNode().put("content", token);
                send(out, chunk(delta.toString(), null));
                tokensSent.incrementAndGet();
            }
            if (drop) {
                return; // the body ends here, with no finish chunk and no [DONE]: a truncated stream
            }
            send(out, chunk("{}", "stop"));
            if (promptTokens >= 0) {
                send(out, "{\"id\":\"chatcmpl-offline\",\"object\":\"chat.completion.chunk\",\"model\":\"" + MODEL
                        + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":"
                        + tokens.size() + ",\"total_tokens\":" + (promptTokens + tokens.size()) + "}}");
            }
            send(out, "[DONE]");
        } catch (IOException e) {
            // The client went away mid-answer: nothing more to do for this request.
            abandonedStreams.incrementAndGet();
            log.debug("offline demo client left: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            openStreams.decrementAndGet();
        }
    }

    private void whole(HttpExchange exchange, String answer, int promptTokens, int completionTokens)
            throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("id", "chatcmpl-offline").put("object", "chat.completion").put("model", MODEL);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", answer);
        body.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void pause() throws InterruptedException {
        if (!tokenDelay.isZero()) {
            Thread.sleep(tokenDelay); // the pace of a real model, not synchronisation
        }
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-offline\",\"object\":\"chat.completion.chunk\",\"model\":\"" + MODEL
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "invalid_request_error");
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
