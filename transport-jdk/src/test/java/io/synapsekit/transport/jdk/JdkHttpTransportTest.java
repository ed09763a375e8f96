package io.synapsekit.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.HttpTransportProvider;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.http.spi.TransportTimeoutException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK transport on its own: discovery, the round trip, large bodies, and what its errors reveal. */
class JdkHttpTransportTest {

    private final MockWebServer server = new MockWebServer();
    private HttpTransport transport;

    @BeforeEach
    void start() throws IOException {
        server.start();
        transport = new JdkHttpTransportProvider().create(TransportOptions.defaults());
    }

    @AfterEach
    void stop() {
        transport.close();
        server.close();
    }

    @Test
    void serviceLoaderFindsTheProviderOnTheClassPath() {
        assertThat(ServiceLoader.load(HttpTransportProvider.class).stream().map(p -> p.get().name()))
                .contains("jdk");
    }

    @Test
    void roundTripsMethodHeadersBodyAndALargeStreamedResponse() throws Exception {
        byte[] big = "0123456789abcdef".repeat(512 * 1024).getBytes(StandardCharsets.US_ASCII); // 8 MiB
        server.enqueue(new MockResponse.Builder().code(200).setHeader("X-Answer", "42")
                .body(new okio.Buffer().write(big)).build());
        TransportRequest request = new TransportRequest("POST", URI.create(server.url("/v1/x").toString()),
                Map.of("Content-Type", List.of("application/json"), "X-Trace", List.of("t1")),
                "{\"q\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));

        byte[] read;
        try (TransportResponse response = transport.send(request)) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("x-answer")).contains("42");
            assertThat(response.header("X-ANSWER")).contains("42");
            read = response.body().readAllBytes();
        }

        assertThat(read).isEqualTo(big);
        RecordedRequest recorded = server.takeRequest();
        assertThat(recorded.getMethod()).isEqualTo("POST");
        assertThat(recorded.getHeaders().get("X-Trace")).isEqualTo("t1");
        assertThat(recorded.getBody().utf8()).isEqualTo("{\"q\":1}");
    }

    /**
     * A pooled connection must not keep the exchange that opened it: with a connect timeout on the HttpClient, each
     * plain connection keeps its connect timer, and the timer its first exchange (request, response body, read
     * buffers), for as long as the connection lives. Measured: about 15 KiB for each of 10,000 pooled connections.
     */
    @Test
    void aPooledConnectionDoesNotKeepTheExchangeThatOpenedIt() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("first").build());
        server.enqueue(new MockResponse.Builder().code(200).body("second").build());
        TransportRequest request = new TransportRequest("GET", URI.create(server.url("/v1/x").toString()),
                Map.of(), new byte[0], Duration.ofSeconds(5));
        java.lang.ref.WeakReference<java.io.InputStream> firstBody;
        try (TransportResponse response = transport.send(request)) {
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("first");
            firstBody = new java.lang.ref.WeakReference<>(response.body());
        }
        try (TransportResponse response = transport.send(request)) { // the same connection, from the pool
            assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("second");
        }
        assertThat(server.takeRequest().getConnectionIndex()).isZero();
        assertThat(server.takeRequest().getConnectionIndex()).as("pooled").isZero();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (firstBody.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        assertThat(firstBody.get()).as("the first exchange's body, collected while its connection is pooled")
                .isNull();
    }

    /** The connect limit ends once the request is out: slow headers after it are the headers limit's business. */
    @Test
    void headersLaterThanTheConnectLimitAreNotAConnectTimeout() throws Exception {
        try (HttpTransport quickConnect = new JdkHttpTransportProvider().create(
                new TransportOptions(Duration.ofMillis(200)))) {
            for (String method : List.of("GET", "POST")) { // an empty body is never subscribed to; a POST's is
                server.enqueue(new MockResponse.Builder().code(200).body(method)
                        .headersDelay(700, java.util.concurrent.TimeUnit.MILLISECONDS).build());
                TransportRequest request = new TransportRequest(method, URI.create(server.url("/v1/x").toString()),
                        Map.of(), method.equals("GET") ? new byte[0] : new byte[] {'{', '}'}, Duration.ofSeconds(5));
                try (TransportResponse response = quickConnect.send(request)) {
                    assertThat(response.body().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo(method);
                }
            }
        }
    }

    @Test
    void restrictedHeadersAreRefusedByName() {
        TransportRequest request = new TransportRequest("POST", URI.create(server.url("/").toString()),
                Map.of("Content-Length", List.of("3")), new byte[3], Duration.ofSeconds(5));
        assertThatThrownBy(() -> transport.send(request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Content-Length");
    }

    @Test
    void aFailedSendNamesTheUrlButNeverTheCredentials() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TransportRequest request = new TransportRequest("POST", URI.create("http://127.0.0.1:" + port + "/v1"),
                Map.of("Authorization", List.of("Bearer sk-very-secret")), new byte[0], Duration.ofSeconds(5));
        assertThat(request.toString()).doesNotContain("sk-very-secret");
        assertThatThrownBy(() -> transport.send(request)).isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + port).hasMessageNotContaining("sk-very-secret");
    }

    @Test
    void aServerThatNeverAnswersFiresTheHeadersLimitAndLeavesTheCallerUninterrupted() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) { // accepts (the kernel does) and never answers
            Duration limit = Duration.ofMillis(300);
            TransportRequest request = new TransportRequest("POST",
                    URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1"), Map.of(), new byte[1], limit);
            long start = System.nanoTime();

            assertThatThrownBy(() -> transport.send(request)).isInstanceOfSatisfying(TransportTimeoutException.class,
                    e -> {
                        assertThat(e.phase()).isEqualTo(TransportTimeoutException.Phase.HEADERS);
                        assertThat(e.getMessage()).contains("300 ms");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(limit, limit.plusSeconds(5));
            // The limit works by interrupting the waiting caller; the interrupt must not outlive the send.
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            try (java.net.Socket accepted = silent.accept()) {
                accepted.setSoTimeout(5_000);
                java.io.InputStream in = accepted.getInputStream();
                byte[] buf = new byte[8192];
                while (in.read(buf) >= 0) { // the request, then the end: the client closed the connection
                    continue;
                }
            }
        }
    }
}
