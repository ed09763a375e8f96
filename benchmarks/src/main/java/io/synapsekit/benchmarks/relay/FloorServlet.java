package io.synapsekit.benchmarks.relay;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The relay's floor: an async servlet that asks the mock OpenAI server and copies its bytes to the reader as they
 * come, without parsing them, flushing after each read. The same JDK {@link HttpClient} (HTTP/1.1, a virtual-thread
 * executor, as our transport uses) and the same way of going asynchronous as our servlets (a virtual thread per
 * request writes, then completes), so the difference to {@code SseServlet} is the parsing, the events and their
 * writing.
 */
final class FloorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Why is the sky blue?\"}]}";

    private final int mockPort;
    private final transient HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(300)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    FloorServlet(int mockPort) {
        this.mockPort = mockPort;
    }

    /** The mock server's base URL for a query {@code <tokens>/<pace ms>}. */
    static String baseUrl(int mockPort, String query) {
        int slash = query.indexOf('/');
        return "http://127.0.0.1:" + mockPort + "/t/" + query.substring(0, slash) + "/p/" + query.substring(slash + 1)
                + "/v1";
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        String query = request.getParameter("query");
        HttpRequest upstream = HttpRequest.newBuilder(URI.create(baseUrl(mockPort, query) + "/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-bench")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<InputStream> answer = client.send(upstream, HttpResponse.BodyHandlers.ofInputStream());
                response.setStatus(200);
                response.setContentType("text/event-stream");
                response.setHeader("Cache-Control", "no-cache");
                ServletOutputStream out = response.getOutputStream();
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = answer.body()) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the reader went away or the upstream failed: the reader sees a cut stream and counts a failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                async.complete();
            }
        });
    }
}
