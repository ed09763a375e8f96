package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.SseResponse;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that goes away while the model is silent, before any token: what each container tells, and how soon
 * the LLM request is cancelled (its upstream connection closed).
 */
class SilentDisconnectTest {

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void overHttp2TheContainerSeesTheStreamResetAndTheLlmRequestStopsWithinASecond(Container.Kind kind)
            throws Exception {
        try (SilentUpstream upstream = new SilentUpstream();
                Container server = kind.start(SseServlet.tokens(llm(upstream)::stream), List.of(),
                        Container.Option.H2C)) {
            assertThat(SseResponse.create().keepAlive()).isEqualTo(Duration.ofSeconds(15)); // the default, here
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            // The first request upgrades the connection to h2c (and is refused: no query); the stream below is then
            // an ordinary HTTP/2 stream, as every stream of a browser's h2 connection is.
            HttpResponse<String> upgrade = client.send(HttpRequest.newBuilder(server.uri("/stream")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upgrade.statusCode()).isEqualTo(400);
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(server.uri("/stream?query=q"))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(upstream.requested.await(5, TimeUnit.SECONDS)).as("the LLM request is under way").isTrue();

            long closedAt = System.nanoTime();
            response.body().close(); // RST_STREAM, as a browser closing its EventSource over h2 sends

            assertThat(upstream.closedByClient.await(5, TimeUnit.SECONDS)).as("LLM request cancelled").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(upstream.closedAtNanos.get() - closedAt))
                    .as("ms from the client leaving to the LLM request closing").isLessThan(1_000);
            client.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void overHttp11NeitherContainerTellsAndTheKeepAliveFindsTheClientGoneWithinTwoIntervals(Container.Kind kind)
            throws Exception {
        Duration keepAlive = Duration.ofMillis(300);
        try (SilentUpstream upstream = new SilentUpstream();
                Container server = kind.start(SseServlet.tokens(llm(upstream)::stream)
                        .withResponse(SseResponse.builder().keepAlive(keepAlive).build()), List.of())) {
            long closedAt;
            try (Socket browser = new Socket("127.0.0.1", server.port())) {
                browser.getOutputStream().write("GET /stream?query=q HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
                InputStream in = browser.getInputStream();
                StringBuilder head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) {
                    head.append((char) in.read());
                }
                assertThat(upstream.requested.await(5, TimeUnit.SECONDS)).as("LLM request under way").isTrue();
                closedAt = System.nanoTime();
            }

            assertThat(upstream.closedByClient.await(5, TimeUnit.SECONDS)).as("LLM request cancelled").isTrue();
            // The first keep-alive after the close is sent (the client's host answers it with a reset), the next
            // one fails: up to two intervals, and some slack for a loaded machine.
            assertThat(TimeUnit.NANOSECONDS.toMillis(upstream.closedAtNanos.get() - closedAt))
                    .as("ms from the client leaving to the LLM request closing")
                    .isLessThan(keepAlive.multipliedBy(2).toMillis() + 700);
        }
    }

    private static LLM llm(SilentUpstream upstream) {
        return OpenAILLM.builder().baseUrl(upstream.baseUrl()).apiKey("sk-test").model("mock").build();
    }
}
