package io.synapsekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.WsConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TokenWebSocket's two protocols in real Jetty and Tomcat servers on loopback, driven by the JDK WebSocket client, answering
 * through a real OpenAILLM from a mock upstream.
 */
class TokenWebSocketTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOKENS = List.of("Retrieval", "-Aug", "mented\nGeneration", "[DONE]?", ".");

    private MockOpenAI upstream;
    private Container server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(Container.Kind kind, List<String> tokens, Duration pace) throws Exception {
        upstream = new MockOpenAI(tokens, pace);
        LLM llm = OpenAILLM.builder().baseUrl(upstream.baseUrl()).apiKey("sk-test").model("mock").build();
        server = kind.start(null, List.of(
                TokenWebSocket.plain("/ws", llm::stream),
                TokenWebSocket.structured("/ws/structured", (sessionId, query) -> llm.stream(query))));
    }

    private static List<String> slowTokens() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            many.add("t" + i + " ");
        }
        return many;
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void plainSendsAFramePerTokenThenDoneAndTakesSeveralQuestions(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO);
        try (WsClient ws = new WsClient(server.ws("/ws"))) {
            ws.send("What is RAG?");
            assertThat(ws.until("[DONE]"::equals)).containsExactly("Retrieval", "-Aug", "mented\nGeneration",
                    "[DONE]?", ".", "[DONE]");
            ws.send("And again?");
            assertThat(ws.until("[DONE]"::equals)).hasSize(TOKENS.size() + 1);
        }
        assertThat(upstream.requests).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void structuredSendsTheGuidesJsonWithTheSessionId(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO);
        try (WsClient ws = new WsClient(server.ws("/ws/structured"))) {
            ws.send("{\"query\": \"What is RAG?\", \"session_id\": \"abc\"}");
            List<String> frames = ws.until(m -> m.contains("\"done\""));

            assertThat(frames.get(0)).isEqualTo("{\"type\":\"token\",\"content\":\"Retrieval\",\"session_id\":\"abc\"}");
            StringBuilder text = new StringBuilder();
            for (String f : frames.subList(0, frames.size() - 1)) {
                JsonNode json = JSON.readTree(f);
                assertThat(json.path("type").asText()).isEqualTo("token");
                assertThat(json.path("session_id").asText()).isEqualTo("abc");
                text.append(json.path("content").asText());
            }
            assertThat(text).hasToString(String.join("", TOKENS));
            assertThat(frames.get(frames.size() - 1)).isEqualTo("{\"type\":\"done\",\"session_id\":\"abc\"}");

            ws.send("{\"query\": \"no session\"}");
            List<String> second = ws.until(m -> m.contains("\"done\""));
            assertThat(second.get(second.size() - 1)).isEqualTo("{\"type\":\"done\",\"session_id\":\"default\"}");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void badOrOversizedMessagesGetAnErrorFrameAndTheConnectionStaysUsable(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ZERO);
        try (WsClient ws = new WsClient(server.ws("/ws/structured"))) {
            ws.send("{not json");
            assertError(ws.next(), "not valid JSON");
            ws.send("[1, 2]");
            assertError(ws.next(), "JSON object");
            ws.send("{\"query\": 7}");
            assertError(ws.next(), "string \"query\"");
            ws.send("{\"query\": \"   \"}");
            assertError(ws.next(), "empty query");
            ws.send("{\"type\": \"bogus\"}");
            assertError(ws.next(), "unknown message type");
            ws.send("{\"query\": \"" + "x".repeat(WsConnection.DEFAULT_MAX_MESSAGE_CHARS) + "\"}");
            assertError(ws.next(), "message too large");

            ws.send("{\"query\": \"still there?\", \"session_id\": \"s\"}");
            assertThat(ws.until(m -> m.contains("\"done\""))).hasSize(TOKENS.size() + 1);
        }
        try (WsClient plain = new WsClient(server.ws("/ws"))) {
            plain.send("x".repeat(WsConnection.DEFAULT_MAX_MESSAGE_CHARS + 1));
            assertThat(plain.next()).startsWith("[ERROR] message too large");
            plain.send("ok?");
            assertThat(plain.until("[DONE]"::equals)).hasSize(TOKENS.size() + 1);
        }
        assertThat(upstream.requests).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aMessageOfAnySizeOverTheLimitGetsAnErrorFrameAndTheConnectionStaysUsable(Container.Kind kind)
            throws Exception {
        start(kind, TOKENS, Duration.ZERO);
        int limit = WsConnection.DEFAULT_MAX_MESSAGE_CHARS;
        try (WsClient plain = new WsClient(server.ws("/ws"));
                WsClient structured = new WsClient(server.ws("/ws/structured"))) {
            for (int times : new int[] {1, 4, 10, 100}) {
                int chars = times * limit + 1;
                plain.send("x".repeat(chars));
                assertThat(plain.next()).as("%d× the limit", times)
                        .isEqualTo("[ERROR] message too large: " + chars + " characters, at most " + limit);
                plain.send("still there?");
                assertThat(plain.until("[DONE]"::equals)).as("%d× the limit", times).hasSize(TOKENS.size() + 1);

                String json = "{\"query\": \"" + "y".repeat(times * limit) + "\"}";
                structured.send(json);
                assertError(structured.next(), "message too large: " + json.length() + " characters");
                structured.send("{\"query\": \"still there?\", \"session_id\": \"s\"}");
                assertThat(structured.until(m -> m.contains("\"done\""))).as("%d× the limit", times)
                        .hasSize(TOKENS.size() + 1);
            }
        }
        assertThat(upstream.requests).hasValue(8);
    }

    private static void assertError(String frame, String message) throws Exception {
        JsonNode json = JSON.readTree(frame);
        assertThat(json.path("type").asText()).as(frame).isEqualTo("error");
        assertThat(json.path("content").asText()).as(frame).contains(message);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aCancelMessageStopsTheAnswerAndTheUpstreamRequest(Container.Kind kind) throws Exception {
        start(kind, slowTokens(), Duration.ofMillis(20));
        try (WsClient ws = new WsClient(server.ws("/ws/structured"))) {
            ws.send("{\"query\": \"long\", \"session_id\": \"c\"}");
            assertThat(ws.next()).contains("\"token\"");
            ws.send("{\"type\": \"cancel\"}");

            List<String> rest = ws.until(m -> !m.contains("\"token\""));
            assertThat(rest.get(rest.size() - 1)).isEqualTo("{\"type\":\"cancelled\",\"session_id\":\"c\"}");
            assertThat(upstream.disconnected.await(1, TimeUnit.SECONDS)).as("upstream request cancelled").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void aSocketThatGoesAwayStopsTheUpstreamRequestWithinASecond(Container.Kind kind) throws Exception {
        start(kind, slowTokens(), Duration.ofMillis(20));
        WsClient ws = new WsClient(server.ws("/ws"));
        ws.send("long");
        assertThat(ws.next()).isEqualTo("t0 ");
        long closedAt = System.nanoTime();
        ws.abort();

        assertThat(upstream.disconnected.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(upstream.disconnectedAtNanos.get() - closedAt)).isLessThan(1_000);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void oneBadClientDoesNotDisturbAnother(Container.Kind kind) throws Exception {
        start(kind, TOKENS, Duration.ofMillis(5));
        try (WsClient good = new WsClient(server.ws("/ws/structured"));
                WsClient bad = new WsClient(server.ws("/ws/structured"))) {
            good.send("{\"query\": \"q\", \"session_id\": \"good\"}");
            for (int i = 0; i < 20; i++) {
                bad.send("{oops " + i);
            }
            bad.abort();
            List<String> frames = good.until(m -> m.contains("\"done\""));
            assertThat(frames).hasSize(TOKENS.size() + 1).allSatisfy(f -> assertThat(f).contains("\"good\""));
        }
    }
}
