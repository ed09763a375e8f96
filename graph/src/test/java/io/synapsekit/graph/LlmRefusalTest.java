package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.LLM;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@link LlmNode} whose model refuses, OpenAI-style ({@code delta.refusal}) over a loopback server: the
 * refusal reaches event, SSE and WebSocket-message readers as its own event, and never the answer tokens.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LlmRefusalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SORRY = "I'm sorry, I can't help with that.";

    private final MockWebServer server = new MockWebServer();
    private LLM llm;

    @BeforeEach
    void start() throws Exception {
        server.start();
        llm = OpenAIStreams.llm(server);
    }

    @AfterEach
    void stop() throws Exception {
        Threads.awaitNoneOfOurs();
        server.close();
    }

    private CompiledGraph single() {
        return new StateGraph().addNode("answer", LlmNode.of(llm)).setEntryPoint("answer")
                .setFinishPoint("answer").compile();
    }

    /** A research node that answers, then a final node that refuses. */
    private CompiledGraph answerThenRefuse() {
        return new StateGraph()
                .addNode("research", LlmNode.of(llm).promptKey("input").outputKey("research"))
                .addNode("summarize", LlmNode.of(llm).promptKey("research").outputKey("summary"))
                .addEdge("research", "summarize").setEntryPoint("research").setFinishPoint("summarize").compile();
    }

    @Test
    void eventsCarryTheRefusalAsItsOwnEventNamingTheNode() {
        server.enqueue(OpenAIStreams.refusal("I'm sorry, ", "I can't help with that."));
        List<GraphEvent> events;
        try (Stream<GraphEvent> s = single().events(Map.of("input", "how do I pick a lock?"))) {
            events = s.toList();
        }
        assertThat(events).filteredOn(GraphEvent.Token.class::isInstance).as("a refusal is not answer text")
                .isEmpty();
        assertThat(events).filteredOn(GraphEvent.Refusal.class::isInstance)
                .containsExactly(new GraphEvent.Refusal("answer", SORRY));
        int refusal = events.indexOf(new GraphEvent.Refusal("answer", SORRY));
        assertThat(events.get(refusal - 1)).isEqualTo(new GraphEvent.NodeStarted("answer"));
        assertThat(events.get(refusal + 1)).isInstanceOfSatisfying(GraphEvent.NodeFinished.class,
                f -> assertThat(f.update().update()).as("no state key is added").isEqualTo(Map.of("output", "")));
        assertThat(events.get(events.size() - 1)).isInstanceOf(GraphEvent.Done.class);
    }

    @Test
    void tokenStreamsAndNodeUpdatesStayAnswerOnly() {
        server.enqueue(OpenAIStreams.refusal(SORRY));
        try (Stream<String> tokens = GraphStreams.streamTokens(single(), Map.of("input", "x"))) {
            assertThat(tokens.toList()).isEmpty();
        }
        server.enqueue(OpenAIStreams.refusal(SORRY));
        try (Stream<GraphEvent.Token> tokens = GraphStreams.streamTaggedTokens(single(), Map.of("input", "x"))) {
            assertThat(tokens.toList()).isEmpty();
        }
        server.enqueue(OpenAIStreams.refusal(SORRY));
        try (Stream<NodeUpdate> updates = single().stream(Map.of("input", "x"))) {
            assertThat(updates.map(NodeUpdate::update).toList()).containsExactly(Map.of("output", ""));
        }
        server.enqueue(OpenAIStreams.refusal(SORRY));
        assertThat(single().invoke(Map.of("input", "x"))).containsEntry("output", "");
    }

    @Test
    void sseStreamSendsARefusalEventWithTheNodeAndTheText() throws Exception {
        server.enqueue(OpenAIStreams.answer("notes"));
        server.enqueue(OpenAIStreams.refusal("I'm sorry, ", "I can't help with that."));
        List<SseEvent> events;
        try (Stream<SseEvent> s = GraphStreams.sseStream(answerThenRefuse(), Map.of("input", "x"))) {
            events = s.toList();
        }
        assertThat(events).hasSize(1);
        SseEvent refusal = events.get(0);
        assertThat(refusal.event()).isEqualTo("refusal");
        JsonNode data = JSON.readTree(refusal.data());
        assertThat(data.get("node").asText()).isEqualTo("summarize");
        assertThat(data.get("text").asText()).isEqualTo(SORRY);
        assertThat(data.size()).isEqualTo(2);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SseWriter(out).write(refusal);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "event: refusal\ndata: {\"node\":\"summarize\",\"text\":\"I'm sorry, I can't help with that.\"}\n\n");
    }

    @Test
    void sseStreamSendsNoRefusalOfANodeWhoseTokensAreNotSent() {
        server.enqueue(OpenAIStreams.refusal(SORRY));
        server.enqueue(OpenAIStreams.answer("fine"));
        List<SseEvent> events;
        try (Stream<SseEvent> s = GraphStreams.sseStream(answerThenRefuse(), Map.of("input", "x"))) {
            events = s.toList();
        }
        assertThat(events).containsExactly(SseEvent.message("fine"));
    }

    @Test
    void wsMessagesCarryTheRefusalBeforeDone() {
        server.enqueue(OpenAIStreams.refusal(SORRY));
        try (Stream<String> s = GraphStreams.wsMessages(single(), Map.of("input", "x"), "s-1")) {
            assertThat(s).containsExactly(
                    "{\"type\":\"refusal\",\"content\":\"I'm sorry, I can't help with that.\",\"session_id\":\"s-1\"}",
                    "{\"type\":\"done\",\"session_id\":\"s-1\"}");
        }
        server.enqueue(OpenAIStreams.refusal(SORRY));
        try (Stream<String> s = GraphStreams.wsStream(single(), Map.of("input", "x"))) {
            assertThat(s.toList()).as("plain frames are answer tokens only").isEmpty();
        }
    }
}
