package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.sse.SseEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wire forms of a run that pauses for a person: the SSE {@code interrupt} event and the WebSocket frame. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HumanInTheLoopStreamsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void noThreadOutlivesTheTest() throws InterruptedException {
        Threads.awaitNoneOfOurs();
    }

    /** Drafts a reply, asks for approval (or an edit), then sends what was approved. */
    private static CompiledGraph approval() {
        return new StateGraph()
                .addNode("draft", s -> {
                    GraphStreams.emitToken("Dear ");
                    GraphStreams.emitToken("customer");
                    return Map.of("draft", "Dear customer");
                })
                .addNode("review", s -> {
                    Object verdict = Interrupt.ask(Map.of("draft", s.get("draft"), "options", List.of("approve",
                            "edit")));
                    return Map.of("final", "approve".equals(verdict) ? s.get("draft") : verdict);
                })
                .addNode("send", s -> {
                    GraphStreams.emitToken("sent: " + s.get("final"));
                    return Map.of("sent", true);
                })
                .addEdge("draft", "review").addEdge("review", "send").setEntryPoint("draft")
                .compile().withCheckpointer(new MemoryCheckpointer());
    }

    @Test
    void sseEndsAPausedRunWithAnInterruptEventAndAResumeStreamsTheRest() throws Exception {
        CompiledGraph g = approval();
        List<SseEvent> first;
        try (Stream<SseEvent> s = GraphStreams.sseStream(g, "t1", Map.of(), SseOptions.defaults())) {
            first = s.toList();
        }

        assertThat(first).extracting(SseEvent::data).startsWith("Dear ", "customer");
        SseEvent last = first.getLast();
        assertThat(last.event()).isEqualTo("interrupt");
        JsonNode interrupt = JSON.readTree(last.data());
        assertThat(interrupt.get("thread_id").asText()).isEqualTo("t1");
        assertThat(interrupt.get("node").asText()).isEqualTo("review");
        assertThat(interrupt.get("payload").get("draft").asText()).isEqualTo("Dear customer");
        assertThat(interrupt.get("checkpoint_id").asText()).isEqualTo(g.state("t1").orElseThrow().id());

        List<SseEvent> second;
        try (Stream<SseEvent> s = GraphStreams.sseResume(g, "t1", "Dear valued customer", SseOptions.defaults())) {
            second = s.toList();
        }
        assertThat(second).extracting(SseEvent::data).containsExactly("sent: Dear valued customer");
        assertThat(g.state("t1").orElseThrow().state()).containsEntry("sent", true);
        assertThatThrownBy(() -> GraphStreams.sseResume(g, "t1", "again", SseOptions.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing to resume");
    }

    @Test
    void webSocketMessagesEndAPausedRunWithAnInterruptFrameInsteadOfDone() throws Exception {
        CompiledGraph g = approval();
        List<JsonNode> first;
        try (Stream<String> s = GraphStreams.wsMessages(g, "t2", Map.of(), "s1")) {
            first = s.map(HumanInTheLoopStreamsTest::json).toList();
        }

        assertThat(first).extracting(m -> m.get("type").asText()).containsExactly("token", "token", "interrupt");
        JsonNode interrupt = first.getLast();
        assertThat(interrupt.get("thread_id").asText()).isEqualTo("t2");
        assertThat(interrupt.get("session_id").asText()).isEqualTo("s1");
        assertThat(interrupt.get("node").asText()).isEqualTo("review");
        assertThat(interrupt.get("payload").get("options")).hasSize(2);

        List<JsonNode> second;
        try (Stream<String> s = GraphStreams.wsResume(g, "t2", "approve", "s1")) {
            second = s.map(HumanInTheLoopStreamsTest::json).toList();
        }
        assertThat(second).extracting(m -> m.get("type").asText()).containsExactly("token", "done");
        assertThat(second.getFirst().get("content").asText()).isEqualTo("sent: Dear customer");
    }

    @Test
    void aPlainRunKeepsItsWireFormsWithoutThreadFields() {
        CompiledGraph g = new StateGraph().addNode("a", s -> {
            GraphStreams.emitToken("x");
            return Map.of();
        }).setEntryPoint("a").compile();

        try (Stream<String> s = GraphStreams.wsMessages(g, Map.of(), "s")) {
            assertThat(s.toList()).containsExactly("{\"type\":\"token\",\"content\":\"x\",\"session_id\":\"s\"}",
                    "{\"type\":\"done\",\"session_id\":\"s\"}");
        }
        assertThatThrownBy(() -> GraphStreams.sseStream(g, "t", Map.of(), SseOptions.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withCheckpointer");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }
}
