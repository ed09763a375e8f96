package io.synapsekit.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.synapsekit.testing.OpenAIWire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible model on loopback that counts its calls by prompt. A prompt {@code case-<n>} gets
 * {@link #tokens(String)}, half of them paced like a model; a prompt {@code hold-…} gets a token every 20 ms until
 * its connection is closed, which {@link #closed(String)} reports.
 */
final class MockLlm implements AutoCloseable {

    private static final Pattern CONTENT = Pattern.compile("\"content\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();
    private final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> closed = new ConcurrentHashMap<>();
    private final Map<String, Long> closedAt = new ConcurrentHashMap<>();

    MockLlm() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The tokens of prompt {@code case-<n>}: 24, some with a newline or a two-byte character. */
    static List<String> tokens(String prompt) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            out.add(prompt + "·" + i + (i % 7 == 3 ? "\n" : " "));
        }
        return out;
    }

    CountDownLatch started(String prompt) {
        return started.computeIfAbsent(prompt, p -> new CountDownLatch(1));
    }

    CountDownLatch closed(String prompt) {
        return closed.computeIfAbsent(prompt, p -> new CountDownLatch(1));
    }

    /** When the model saw the connection of {@code prompt} closed, in {@link System#nanoTime()}. */
    long closedAt(String prompt) {
        return closedAt.get(prompt);
    }

    private void chat(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            Matcher m = CONTENT.matcher(body);
            String prompt = "";
            while (m.find()) {
                prompt = m.group(1);
            }
            calls.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            if (prompt.startsWith("hold-")) {
                hold(prompt, out);
                return;
            }
            boolean paced = Math.floorMod(prompt.hashCode(), 2) == 1;
            out.write(OpenAIWire.role().getBytes(UTF_8));
            for (String t : tokens(prompt)) {
                out.write(OpenAIWire.token(t).getBytes(UTF_8));
                out.flush();
                if (paced) {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500)); // a model's pace, not a sync
                }
            }
            out.write((OpenAIWire.finish() + OpenAIWire.done()).getBytes(UTF_8));
        }
    }

    private void hold(String prompt, OutputStream out) {
        started(prompt).countDown();
        try {
            out.write(OpenAIWire.role().getBytes(UTF_8));
            for (int i = 0; ; i++) {
                out.write(OpenAIWire.token("t" + i + " ").getBytes(UTF_8));
                out.flush();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a slow model
            }
        } catch (IOException e) {
            closedAt.put(prompt, System.nanoTime());
            closed(prompt).countDown();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
