package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many SSE and WebSocket answers at once, half of them abandoned midway: afterwards no upstream connection is
 * open and no streaming thread (source pumps, WebSocket workers) is alive.
 */
class ReleaseTest {

    @TempDir
    Path dumps;

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void completedAndAbandonedStreamsReleaseTheirConnectionsAndThreads(Container.Kind kind) throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tokens.add("w" + i + " ");
        }
        try (MockOpenAI upstream = new MockOpenAI(tokens, Duration.ofMillis(5))) {
            LLM llm = OpenAILLM.builder().baseUrl(upstream.baseUrl()).apiKey("sk-test").model("mock").build();
            try (Container server = kind.start(SseServlet.tokens(llm::stream),
                    List.of(TokenWebSocket.plain("/ws", llm::stream)));
                    ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                HttpClient http = HttpClient.newHttpClient();
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    int n = i;
                    results.add(clients.submit(() -> switch (n % 4) {
                        case 0 -> http.send(HttpRequest.newBuilder(server.uri("/stream?query=q" + n)).build(),
                                HttpResponse.BodyHandlers.ofString()).body().endsWith("data: [DONE]\n\n");
                        case 1 -> abandonSse(server.port());
                        case 2 -> {
                            try (WsClient ws = new WsClient(server.ws("/ws"))) {
                                ws.send("q");
                                yield ws.until("[DONE]"::equals).size() == tokens.size() + 1;
                            }
                        }
                        default -> {
                            WsClient ws = new WsClient(server.ws("/ws"));
                            ws.send("q");
                            ws.next();
                            ws.abort();
                            yield true;
                        }
                    }));
                }
                // The dump does see our virtual threads while answers stream (so an empty one below means something).
                long seenBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                List<String> during = ourThreads();
                while (during.isEmpty() && System.nanoTime() < seenBy) {
                    during = ourThreads();
                }
                assertThat(during).isNotEmpty();
                for (Future<Boolean> r : results) {
                    assertThat(r.get()).isTrue();
                }

                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                List<String> alive;
                do {
                    alive = ourThreads();
                } while ((!alive.isEmpty() || upstream.inFlight.get() > 0) && System.nanoTime() < deadline);
                assertThat(upstream.inFlight).as("upstream connections still open").hasValue(0);
                assertThat(alive).as("streaming threads still alive").isEmpty();
                assertThat(upstream.requests).hasValue(60);
            }
        }
    }

    private static boolean abandonSse(int port) throws Exception {
        try (Socket browser = new Socket("127.0.0.1", port)) {
            browser.getOutputStream().write("GET /stream?query=q HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
            InputStream in = browser.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("data: w1 ")) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                seen.append((char) b);
            }
        }
        return true;
    }

    private List<String> ourThreads() throws Exception {
        return OurThreads.alive(dumps);
    }
}
