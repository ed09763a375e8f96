package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.testlog.CapturedLogs;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.event.Level;

/**
 * The container's "client gone" report must stop the writing thread even when the first interrupt is lost: a
 * container's blocking write may swallow it (Tomcat's HTTP/2 write did, when the reset arrived while the response
 * headers were going out), and the writer then blocks on its source, which only a later interrupt can end.
 */
class ClientGoneInterruptTest {

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aWriterThatSwallowedTheFirstInterruptIsStillStopped(Container.Kind kind) throws Exception {
        CountDownLatch headersSent = new CountDownLatch(1);
        CountDownLatch swallowed = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        LinkedBlockingQueue<String> containerWrite = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> source = new LinkedBlockingQueue<>();
        HttpServlet servlet = new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                if (request.getQueryString() == null) {
                    response.setStatus(400); // the h2c upgrade request
                    return;
                }
                AsyncStreams.serve(request, response, sink -> {
                    try {
                        sink.header("Content-Type", "text/event-stream");
                        OutputStream out = sink.open();
                        out.write(": open\n\n".getBytes(UTF_8));
                        out.flush();
                    } catch (java.io.IOException e) {
                        return;
                    }
                    headersSent.countDown();
                    try {
                        containerWrite.take(); // like a container's blocking write that swallows an interrupt
                    } catch (InterruptedException e) {
                        swallowed.countDown();
                    }
                    try {
                        source.take(); // like a silent model: only an interrupt ends this wait
                    } catch (InterruptedException e) {
                        stopped.countDown();
                        // what a write to a response the container has recycled does (Tomcat's: an NPE)
                        throw new IllegalStateException("response recycled ");
                    }
                });
            }
        };
        int warningsBefore = CapturedLogs.matching(Level.WARN, "SSE response failed").size();
        try (Container server = kind.start(servlet, List.of(), Container.Option.H2C)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            try {
                assertThat(client.send(HttpRequest.newBuilder(server.uri("/stream")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
                HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(server.uri("/stream?go"))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(headersSent.await(5, TimeUnit.SECONDS)).as("stream under way").isTrue();

                response.body().close(); // RST_STREAM

                assertThat(swallowed.await(5, TimeUnit.SECONDS)).as("the container reported the client gone")
                        .isTrue();
                assertThat(stopped.await(5, TimeUnit.SECONDS)).as("the writer stopped after a lost interrupt")
                        .isTrue();
                // a failure after the client went away is expected, not a warning
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (CapturedLogs.matching(Level.DEBUG, "after its client went away").stream()
                        .noneMatch(e -> e.logger().equals(AsyncStreams.class.getName()))
                        && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                assertThat(CapturedLogs.matching(Level.DEBUG, "after its client went away")).isNotEmpty();
                assertThat(CapturedLogs.matching(Level.WARN, "SSE response failed")).hasSize(warningsBefore);
            } finally {
                source.add("release"); // frees a writer the fix did not stop, so the container can stop
                client.shutdownNow();
            }
        }
    }
}
