package io.synapsekit.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback OpenAI-compatible streaming server for the tests: answers every chat request with {@code tokens},
 * {@code pace} apart, and records the moment a client went away (a write failed) — the upstream LLM's view of
 * a cancelled request.
 */
final class MockOpenAI implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile List<String> tokens;
    private volatile Duration pace;
    private volatile Duration firstTokenDelay = Duration.ZERO;
    private volatile int failWithStatus;
    final AtomicInteger requests = new AtomicInteger();
    /** Chat requests whose handler has not returned yet: the upstream's open connections. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong disconnectedAtNanos = new AtomicLong();
    final CountDownLatch disconnected = new CountDownLatch(1);
    final CountDownLatch firstTokenSent = new CountDownLatch(1);
    /** The body of every chat request, in arrival order. */
    final java.util.concurrent.BlockingQueue<String> bodies = new java.util.concurrent.LinkedBlockingQueue<>();

    MockOpenAI(List<String> tokens, Duration pace) throws IOException {
        this.tokens = tokens;
        this.pace = pace;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    void firstTokenDelay(Duration delay) {
        this.firstTokenDelay = delay;
    }

    void failWith(int status) {
        this.failWithStatus = status;
    }

    private void chat(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try {
            respond(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (failWithStatus != 0) {
            byte[] body = "{\"error\":{\"message\":\"mock failure\",\"type\":\"server_error\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(failWithStatus, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            out.flush();
            pause(firstTokenDelay);
            for (String token : tokens) {
                String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"mock\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{\"content\":" + JSON.writeValueAsString(token)
                        + "},\"finish_reason\":null}]}";
                out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                firstTokenSent.countDown();
                pause(pace);
            }
            out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"mock\",\"choices\":"
                    + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            exchange.close();
        } catch (IOException e) {
            disconnectedAtNanos.compareAndSet(0, System.nanoTime());
            disconnected.countDown();
            exchange.close();
        }
    }

    private static void pause(Duration d) throws IOException {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d); // the model's pace, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
