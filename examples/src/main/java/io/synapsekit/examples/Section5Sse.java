package io.synapsekit.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Guide section 5: a graph's answer as Server-Sent Events, from the JDK's own {@code HttpServer} (no servlet
 * container, no dependency beyond the library), then read back the way {@code curl} shows it. The Jetty
 * servlet version is {@link WebDemo}.
 */
public final class Section5Sse {

    private Section5Sse() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.llm(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static CompiledGraph graph(LLM llm) {
        // Build and compile your graph once at startup
        return new StateGraph()
                .addNode("answer", LlmNode.of(llm).promptKey("input"))
                .setEntryPoint("answer")
                .compile();
    }

    // tag::sse-endpoint[]
    /** Serves {@code GET /stream?query=…} as SSE: keep-alives, an id per event, [DONE] last, error events. */
    static HttpServer serve(CompiledGraph compiledGraph, InetSocketAddress address) throws IOException {
        SseResponse sse = SseResponse.create();   // one instance serves every request
        HttpServer server = HttpServer.create(address, 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());   // a virtual thread per request
        server.createContext("/stream", exchange -> {
            try (exchange) {
                String query = queryParameter(exchange, "query");
                if (query == null || query.isBlank()) {
                    exchange.sendResponseHeaders(400, -1);
                    return;
                }
                SseSink sink = SseSink.of(exchange.getResponseHeaders()::set, () -> {
                    exchange.sendResponseHeaders(200, 0);   // 0: streamed, chunked
                    return exchange.getResponseBody();
                });
                // A client that disconnects closes the graph's stream: the LLM request is cancelled.
                sse.stream(sink, GraphStreams.sseStream(compiledGraph, Map.of("input", query)));
            }
        });
        server.start();
        return server;
    }
    // end::sse-endpoint[]

    static void run(LLM llm, PrintStream out) {
        HttpServer server;
        try {
            server = serve(graph(llm), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stream?query=What+is+RAG");
            out.println("$ curl -N \"" + uri + "\"");
            HttpResponse<java.io.InputStream> response = client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            out.println("< " + response.statusCode() + " Content-Type: "
                    + response.headers().firstValue("Content-Type").orElse("?"));
            try (BufferedReader body = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = body.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        out.println(line);   // each token as it arrives: data: Retrieval, data: -Aug, ...
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private static String queryParameter(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
