package io.synapsekit.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.WsProtocol;
import io.synapsekit.servlet.TokenWebSocket;
import io.synapsekit.testing.OpenAIWire;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One trace for a browser's WebSocket: the upgrade request, the connection, each answer on it and its model call,
 * each the child of the one before, on Jetty and on Tomcat.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketSpanTest {

    private final MockWebServer server = new MockWebServer();
    private final Telemetry telemetry = new Telemetry();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        telemetry.close();
    }

    /** The container's span of each request, current while the filter chain runs, as an agent would make it. */
    private Filter requestSpans() {
        Tracer tracer = telemetry.sdk.getTracer("test");
        return (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            Span span = tracer.spanBuilder(http.getMethod() + " " + http.getRequestURI())
                    .setSpanKind(SpanKind.SERVER).startSpan();
            try (Scope ignored = span.makeCurrent()) {
                chain.doFilter(request, response);
            } finally {
                span.end();
            }
        };
    }

    private List<SpanData> named(String name) {
        return telemetry.spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** Waits until {@code count} spans named {@code name} have ended; fails after five seconds. */
    private List<SpanData> awaitEnded(String name, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (named(name).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " ended spans named '" + name + "', found "
                        + telemetry.spans.getFinishedSpanItems());
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling with a deadline, not standing in for synchronisation
        }
        return named(name);
    }

    @ParameterizedTest
    @EnumSource(WsContainer.Kind.class)
    void answersOnAConnectionSitUnderItAndItUnderTheUpgradeRequest(WsContainer.Kind kind) throws Exception {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.answer("Hel", "lo")).build());
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.answer("Bye")).build());
        LLM llm = OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-otel-ws").model("m")
                .maxRetries(0).listener(telemetry.listener).build();
        WsProtocol protocol = WsProtocol.plain(llm::stream).withListener(telemetry.listener);

        try (WsContainer container = kind.start(requestSpans(), TokenWebSocket.of("/ws", protocol))) {
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            WebSocket socket = connect(container, messages);
            try {
                assertThat(answer(socket, messages, "hi")).containsExactly("Hel", "lo", "[DONE]");
                assertThat(answer(socket, messages, "bye")).containsExactly("Bye", "[DONE]");
                awaitEnded("serve.websocket plain", 2);
                assertThat(named("websocket.connection plain")).as("the connection is open").isEmpty();
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                SpanData connection = awaitEnded("websocket.connection plain", 1).get(0);

                Telemetry.assertChildOf(connection, telemetry.span("GET /ws"));
                List<SpanData> answers = named("serve.websocket plain");
                List<SpanData> chats = named("chat m");
                assertThat(chats).hasSize(2);
                for (SpanData answer : answers) {
                    Telemetry.assertChildOf(answer, connection);
                    assertThat(chats.stream().filter(c -> c.getParentSpanId().equals(answer.getSpanId())))
                            .as("the model call of %s", answer.getSpanId()).hasSize(1)
                            .allSatisfy(c -> assertThat(c.getTraceId()).isEqualTo(connection.getTraceId()));
                }
                assertThat(connection.getEndEpochNanos()).as("the connection ends after its answers")
                        .isGreaterThanOrEqualTo(answers.stream().mapToLong(SpanData::getEndEpochNanos).max()
                                .orElseThrow());
            } finally {
                socket.abort();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WsContainer.Kind.class)
    void aConnectionTheClientDropsEndsUnderItsUpgradeRequest(WsContainer.Kind kind) throws Exception {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.answer("Hi")).build());
        LLM llm = OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-otel-ws").model("m")
                .maxRetries(0).listener(telemetry.listener).build();
        WsProtocol protocol = WsProtocol.structured((String query) -> llm.stream(query)).withListener(telemetry.listener);

        try (WsContainer container = kind.start(requestSpans(), TokenWebSocket.of("/ws", protocol))) {
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            WebSocket socket = connect(container, messages);
            socket.sendText("{\"query\":\"hi\"}", true).get(5, TimeUnit.SECONDS);
            String frame;
            do {
                frame = messages.poll(5, TimeUnit.SECONDS);
                assertThat(frame).as("a frame of the answer").isNotNull();
            } while (!frame.contains("\"done\""));
            awaitEnded("serve.websocket structured", 1);

            socket.abort(); // no close handshake, as a tab that is closed or loses its network

            SpanData connection = awaitEnded("websocket.connection structured", 1).get(0);
            Telemetry.assertChildOf(connection, telemetry.span("GET /ws"));
            Telemetry.assertChildOf(telemetry.span("serve.websocket structured"), connection);
            Telemetry.assertChildOf(telemetry.span("chat m"), telemetry.span("serve.websocket structured"));
        }
    }

    /** Counts the connection works begun and ended, whether or not a tracer would export them. */
    static final class ConnectionCount implements LLMListener {
        final AtomicInteger begun = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();

        @Override
        public LLMCallListener callStarted(LLMCall call) {
            return LLMCallListener.NONE;
        }

        @Override
        public WorkListener workStarted(Work work) {
            if (!work.kind().equals(Work.WEBSOCKET_CONNECTION)) {
                return WorkListener.NONE;
            }
            begun.incrementAndGet();
            return new WorkListener() {
                @Override
                public void finished(@Nullable Throwable failure) {
                    ended.incrementAndGet();
                }
            };
        }

        /** Waits until as many connections ended as began, at least {@code atLeast}; fails after five seconds. */
        void awaitAllEnded(int atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (begun.get() < atLeast || ended.get() != begun.get()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("connections begun " + begun + ", ended " + ended);
                }
                TimeUnit.MILLISECONDS.sleep(10); // polling with a deadline
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WsContainer.Kind.class)
    void aRefusedOrAbandonedHandshakeLeavesNoConnectionUnended(WsContainer.Kind kind) throws Exception {
        ConnectionCount count = new ConnectionCount();
        WsProtocol protocol = WsProtocol.plain(Stream::of).withListener(count);

        try (WsContainer container = kind.start(requestSpans(), TokenWebSocket.of("/ws", protocol))) {
            // Refused by the container: a WebSocket version it does not speak.
            try (Socket socket = new Socket("127.0.0.1", container.port())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(upgradeRequest("8").getBytes(StandardCharsets.US_ASCII));
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(status).as("refused").doesNotContain("101");
            }
            // Accepted, but the client hangs up before reading the 101.
            try (Socket socket = new Socket("127.0.0.1", container.port())) {
                socket.getOutputStream().write(upgradeRequest("13").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            count.awaitAllEnded(1);
        }
        assertThat(count.ended.get()).as("connections ended").isEqualTo(count.begun.get());
    }

    private static String upgradeRequest(String version) {
        return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
    }

    /** Opens a WebSocket to {@code /ws} whose text messages, reassembled, go to {@code messages}. */
    private static WebSocket connect(WsContainer container, BlockingQueue<String> messages) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(container.ws("/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
    }

    /** Sends {@code question} and returns the frames of its answer, up to {@code [DONE]}. */
    private static List<String> answer(WebSocket socket, BlockingQueue<String> messages, String question)
            throws Exception {
        socket.sendText(question, true).get(5, TimeUnit.SECONDS);
        List<String> frames = new ArrayList<>();
        while (frames.isEmpty() || !frames.get(frames.size() - 1).equals("[DONE]")) {
            String m = messages.poll(5, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no WebSocket message within 5 s; got " + frames);
            }
            frames.add(m);
        }
        return frames;
    }
}
