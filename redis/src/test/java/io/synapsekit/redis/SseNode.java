package io.synapsekit.redis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One server of the test: a JDK HttpServer with its own Redis buffer (its own connections), its own
 * {@link SseResponse} and its own LLM client. {@code GET /stream?query=…} answers, {@code GET /stream} with
 * {@code Last-Event-ID} resumes (204 when there is nothing to resume), {@code POST /stream/stop} with an event id as
 * the body stops that answer wherever it runs.
 */
final class SseNode implements AutoCloseable {

    final RedisSseReplayBuffer buffer;
    final SseResponse sse;
    private final LLM llm;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    SseNode(URI redis, String llmBaseUrl, Duration keepAlive) throws IOException {
        this(RedisSseReplayBuffer.builder(redis).heartbeat(Duration.ofMillis(100)).maxConnections(512).build(),
                llmBaseUrl, keepAlive);
    }

    SseNode(RedisSseReplayBuffer buffer, String llmBaseUrl, Duration keepAlive) throws IOException {
        this.buffer = buffer;
        this.sse = SseResponse.builder().replay(buffer).resumeGrace(Duration.ofSeconds(2)).keepAlive(keepAlive)
                .build();
        this.llm = OpenAILLM.builder().baseUrl(llmBaseUrl).apiKey("test-key").model("gpt-4o-mini").build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/stream/stop", this::stop);
        server.createContext("/stream", this::stream);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void stream(HttpExchange exchange) throws IOException {
        try (exchange) {
            SseSink sink = SseSink.of(exchange.getResponseHeaders()::set, () -> {
                exchange.sendResponseHeaders(200, 0);
                return exchange.getResponseBody();
            });
            String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            if (lastEventId != null) {
                if (sse.resume(sink, lastEventId) == SseOutcome.NOTHING_TO_RESUME) {
                    exchange.sendResponseHeaders(204, -1);
                }
                return;
            }
            String raw = exchange.getRequestURI().getRawQuery();
            String query = raw == null || !raw.startsWith("query=") ? null
                    : URLDecoder.decode(raw.substring(6), StandardCharsets.UTF_8);
            if (query == null) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            sse.streamTokens(sink, llm.stream(query));
        }
    }

    private void stop(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).trim();
            exchange.sendResponseHeaders(sse.stop(id) ? 202 : 400, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        buffer.close();
    }
}
