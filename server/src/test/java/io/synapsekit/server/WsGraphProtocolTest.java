package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link WsProtocol#graph} on a {@link WsConnection} without a container: a checkpointed graph pauses with an
 * interrupt frame, a resume message continues the thread, and every resume that cannot run gets a typed error.
 */
class WsGraphProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompiledGraph graph = approval();

    /** Drafts (streamed), asks the person, publishes what the person answered (streamed). */
    static CompiledGraph approval() {
        return new StateGraph()
                .addNode("draft", s -> {
                    GraphStreams.emitToken("draft of ");
                    GraphStreams.emitToken(String.valueOf(s.get("topic")));
                    return Map.of("draft", "draft of " + s.get("topic"));
                })
                .addNode("review", s -> Map.of("final", String.valueOf(Interrupt.ask(Map.of("draft", s.get("draft"))))))
                .addNode("publish", s -> {
                    GraphStreams.emitToken("published: " + s.get("final"));
                    return Map.of("published", true);
                })
                .addEdge("draft", "review").addEdge("review", "publish").setEntryPoint("draft")
                .compile().withCheckpointer(new MemoryCheckpointer());
    }

    private List<JsonNode> until(Predicate<JsonNode> last) throws Exception {
        List<JsonNode> got = new ArrayList<>();
        while (true) {
            String f = frames.poll(5, TimeUnit.SECONDS);
            assertThat(f).as("a frame within 5 s after " + got).isNotNull();
            JsonNode json = JSON.readTree(f);
            got.add(json);
            if (last.test(json)) {
                return got;
            }
        }
    }

    private static Predicate<JsonNode> type(String... types) {
        return f -> List.of(types).contains(f.path("type").asText());
    }

    private static String text(List<JsonNode> frames) {
        StringBuilder s = new StringBuilder();
        frames.stream().filter(type("token")).forEach(f -> s.append(f.path("content").asText()));
        return s.toString();
    }

    private JsonNode error() throws Exception {
        List<JsonNode> got = until(type("error", "done", "interrupt", "token"));
        assertThat(got).hasSize(1);
        assertThat(got.get(0).path("type").asText()).as("%s", got.get(0)).isEqualTo("error");
        return got.get(0);
    }

    private WsConnection open() {
        return WsConnection.open("g", WsProtocol.graph(graph, q -> Map.of("topic", q)), frames::add, 1000);
    }

    @Test
    void aPauseEndsWithAnInterruptFrameAndAResumeStreamsTheRestOnTheSameConnection() throws Exception {
        try (WsConnection c = open()) {
            c.received("{\"query\":\"rag\",\"session_id\":\"s\"}");
            List<JsonNode> drafted = until(type("interrupt", "done", "error"));
            assertThat(text(drafted)).isEqualTo("draft of rag");
            JsonNode interrupt = drafted.get(drafted.size() - 1);
            assertThat(interrupt.path("type").asText()).isEqualTo("interrupt");
            assertThat(interrupt.path("node").asText()).isEqualTo("review");
            assertThat(interrupt.path("payload").path("draft").asText()).isEqualTo("draft of rag");
            assertThat(interrupt.path("session_id").asText()).isEqualTo("s");
            String threadId = interrupt.path("thread_id").asText();
            assertThat(threadId).isNotBlank();
            assertThat(interrupt.path("checkpoint_id").asText())
                    .isEqualTo(graph.state(threadId).orElseThrow().id());

            c.received("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":{\"edited\":[1,2]}}");
            List<JsonNode> rest = until(type("interrupt", "done", "error"));
            assertThat(text(rest)).isEqualTo("published: {edited=[1, 2]}");
            assertThat(rest.get(rest.size() - 1).path("type").asText()).isEqualTo("done");
            assertThat(graph.state(threadId).orElseThrow().state()).containsEntry("published", true);
        }
    }

    @Test
    void resumesThatCannotRunGetATypedErrorAndTheConnectionStaysUsable() throws Exception {
        try (WsConnection c = open()) {
            c.received("{\"type\":\"resume\",\"value\":1}");
            assertThat(error().path("code").asText()).isEqualTo("bad_message");
            c.received("{\"type\":\"resume\",\"thread_id\":7,\"value\":1}");
            assertThat(error().path("content").asText()).contains("string \"thread_id\"");
            c.received("{\"type\":\"resume\",\"thread_id\":\"x\"}");
            assertThat(error().path("content").asText()).contains("needs a \"value\"");
            c.received("{\"type\":\"resume\",\"thread_id\":\"" + "t".repeat(201) + "\",\"value\":1}");
            assertThat(error().path("content").asText()).contains("too long");
            c.received("{\"type\":\"approve\",\"thread_id\":\"x\"}");
            JsonNode unknownType = error();
            assertThat(unknownType.path("code").asText()).isEqualTo("bad_message");
            assertThat(unknownType.path("content").asText()).contains("unknown message type \"approve\"");

            c.received("{\"type\":\"resume\",\"thread_id\":\"nobody\",\"value\":\"approve\"}");
            JsonNode unknown = error();
            assertThat(unknown.path("code").asText()).isEqualTo("unknown_thread");
            assertThat(unknown.path("content").asText()).contains("'nobody'");

            c.received("{\"query\":\"rag\"}");
            String threadId = until(type("interrupt")).getLast().path("thread_id").asText();
            c.received("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"ok\"}");
            assertThat(until(type("done"))).isNotEmpty();
            c.received("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"again\"}");
            JsonNode finished = error();
            assertThat(finished.path("code").asText()).isEqualTo("not_paused");
            assertThat(finished.path("content").asText()).contains(threadId);
        }
    }

    @Test
    void aResumeThatLosesTheRaceIsAConflictFrame() throws Exception {
        // Another resume claims the thread inside ours, between our claim being made and stored.
        HookedCheckpointer checkpointer = new HookedCheckpointer();
        CompiledGraph[] racing = new CompiledGraph[1];
        List<Stream<?>> others = new ArrayList<>();
        boolean[] armed = {false};
        checkpointer.beforePut = checkpoint -> {
            if (armed[0] && checkpoint.pause() == null) {
                armed[0] = false;
                others.add(racing[0].resume(checkpoint.threadId(), "other"));
            }
        };
        racing[0] = approval().withCheckpointer(checkpointer);
        try (WsConnection c = WsConnection.open("r", WsProtocol.graph(racing[0], q -> Map.of("topic", q)),
                frames::add, 1000)) {
            c.received("{\"query\":\"rag\"}");
            String threadId = until(type("interrupt")).getLast().path("thread_id").asText();
            armed[0] = true;
            c.received("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"mine\"}");
            JsonNode conflict = error();
            assertThat(conflict.path("code").asText()).isEqualTo("conflict");
            assertThat(conflict.path("content").asText()).contains(threadId);
            assertThat(others).hasSize(1);
            try (Stream<?> other = others.get(0)) {
                other.forEach(e -> { });
            }
            assertThat(racing[0].state(threadId).orElseThrow().state()).containsEntry("final", "other");
        } finally {
            others.forEach(Stream::close);
        }
    }

    @Test
    void aTokenProtocolRefusesAResumeByName() throws Exception {
        try (WsConnection c = WsConnection.open("s", WsProtocol.structured(q -> Stream.of("x")), frames::add, 100)) {
            c.received("{\"type\":\"resume\",\"thread_id\":\"x\",\"value\":1}");
            JsonNode e = error();
            assertThat(e.path("code").asText()).isEqualTo("bad_message");
            assertThat(e.path("content").asText()).contains("runs no graph");
        }
    }

    @Test
    void closingTheConnectionDuringAResumedRunStopsTheRun() throws Exception {
        java.util.concurrent.CountDownLatch publishing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        CompiledGraph blocking = new StateGraph()
                .addNode("review", s -> Map.of("final", String.valueOf(Interrupt.ask("ok?"))))
                .addNode("publish", s -> {
                    try {
                        GraphStreams.emitToken("publishing");
                        publishing.countDown();
                        new java.util.concurrent.CountDownLatch(1).await(); // until the run is stopped
                        return Map.of();
                    } finally {
                        released.countDown();
                    }
                })
                .addEdge("review", "publish").setEntryPoint("review")
                .compile().withCheckpointer(new MemoryCheckpointer());
        WsConnection c = WsConnection.open("d", WsProtocol.graph(blocking, q -> Map.of()), frames::add, 1000);
        try {
            c.received("{\"query\":\"go\"}");
            String threadId = until(type("interrupt")).getLast().path("thread_id").asText();
            c.received("{\"type\":\"resume\",\"thread_id\":\"" + threadId + "\",\"value\":\"yes\"}");
            assertThat(until(type("token"))).isNotEmpty();
            assertThat(publishing.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            c.close();
        }
        assertThat(released.await(5, TimeUnit.SECONDS)).as("the resumed run's node was stopped").isTrue();
    }
}
