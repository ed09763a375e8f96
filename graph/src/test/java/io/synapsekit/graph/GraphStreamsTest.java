package io.synapsekit.graph;

import static io.synapsekit.graph.Threads.ordered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Token, SSE and WebSocket streams of graph runs, with custom nodes emitting tokens. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GraphStreamsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void noThreadOutlivesTheTest() throws InterruptedException {
        Threads.awaitNoneOfOurs();
    }

    /** A node that emits each word of {@code text} as a token and returns the text under {@code key}. */
    static Node words(String key, String text) {
        return state -> {
            for (String w : text.split("(?<= )")) {
                GraphStreams.emitToken(w);
            }
            return ordered(key, text);
        };
    }

    private static CompiledGraph twoTalkers() {
        return new StateGraph().addNode("first", words("a", "one two")).addNode("second", words("b", "three four"))
                .addEdge("first", "second").setEntryPoint("first").setFinishPoint("second").compile();
    }

    @Test
    void everyEntryPointTakesAMapWhoseValuesAreOfAnyType() {
        CompiledGraph g = new StateGraph().addNode("echo", state -> {
            GraphStreams.emitToken("got ");
            GraphStreams.emitToken((String) state.get("input"));
            return Map.of("output", "got " + state.get("input"));
        }).setEntryPoint("echo").setFinishPoint("echo").compile();
        var in = Map.of("input", "hello"); // a Map<String, String>: no copy or cast needed
        assertThat(g.invoke(in)).containsEntry("output", "got hello");
        try (Stream<NodeUpdate> s = g.stream(in)) {
            assertThat(s.map(u -> u.update().get("output"))).containsExactly("got hello");
        }
        try (Stream<GraphEvent> s = g.events(in)) {
            assertThat(s.filter(e -> e instanceof GraphEvent.Token)).hasSize(2);
        }
        List<Stream<String>> texts = List.of(GraphStreams.streamTokens(g, in),
                GraphStreams.streamTokens(g, in, Set.of("echo")), GraphStreams.streamAllTokens(g, in),
                GraphStreams.wsStream(g, in));
        for (Stream<String> s : texts) {
            try (s) {
                assertThat(String.join("", s.toList())).isEqualTo("got hello");
            }
        }
        List<Stream<GraphEvent.Token>> tagged = List.of(GraphStreams.streamTaggedTokens(g, in),
                GraphStreams.streamTaggedTokens(g, in, Set.of("echo")));
        for (Stream<GraphEvent.Token> s : tagged) {
            try (s) {
                assertThat(s.map(GraphEvent.Token::text)).containsExactly("got ", "hello");
            }
        }
        List<Stream<SseEvent>> sse = List.of(GraphStreams.sseStream(g, in),
                GraphStreams.sseStream(g, in, SseOptions.defaults()));
        for (Stream<SseEvent> s : sse) {
            try (s) {
                assertThat(s.map(SseEvent::data)).contains("got ", "hello");
            }
        }
        try (Stream<String> s = GraphStreams.wsMessages(g, in, "s1")) {
            assertThat(s).hasSize(3);
        }
    }

    @Test
    void fanOutBranchesStreamTheirTokensConcurrentlyTaggedByNode() {
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        Node talker = s -> {
            together.await(5, TimeUnit.SECONDS);
            GraphStreams.emitToken("hello");
            return null;
        };
        CompiledGraph g = new StateGraph().addNode("split", s -> null).addNode("l", talker).addNode("r", talker)
                .addEdge("split", "l").addEdge("split", "r").setEntryPoint("split")
                .setFinishPoint("l").setFinishPoint("r").compile();
        try (Stream<GraphEvent.Token> s = GraphStreams.streamTaggedTokens(g, Map.of())) {
            assertThat(s).containsExactlyInAnyOrder(new GraphEvent.Token("l", "hello"),
                    new GraphEvent.Token("r", "hello"));
        }
    }

    @Test
    void aForgottenStreamStopsItsRunOnceCollected() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        CompiledGraph g = new StateGraph().addNode("endless", s -> {
            try {
                while (true) {
                    GraphStreams.emitToken("t");
                }
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }).setEntryPoint("endless").setFinishPoint("endless").compile();
        readOneAndForget(g);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (interrupted.getCount() > 0 && System.nanoTime() < deadline) {
            System.gc();
            interrupted.await(20, TimeUnit.MILLISECONDS);
        }
        assertThat(interrupted.getCount()).as("the forgotten run was stopped").isZero();
    }

    private static void readOneAndForget(CompiledGraph g) {
        Stream<String> s = GraphStreams.streamTokens(g, Map.of());
        assertThat(s.iterator().next()).isEqualTo("t");
    }

    @Test
    void anUnknownRouteReachesTheSseClientAsAnErrorNamingNodeAndKey() throws Exception {
        CompiledGraph g = new StateGraph().addNode("route", s -> null)
                .addConditionalEdges("route", s -> "sideways", Map.of("up", StateGraph.END))
                .setEntryPoint("route").compile();
        List<SseEvent> events;
        try (Stream<SseEvent> s = GraphStreams.sseStream(g, Map.of())) {
            events = s.toList();
        }
        assertThat(events).as("the error, last").hasSize(1);
        assertThat(events.get(0).event()).isEqualTo("error");
        assertThat(JSON.readTree(events.get(0).data()).get("node").asText()).isEqualTo("route");
        assertThat(JSON.readTree(events.get(0).data()).get("message").asText())
                .isEqualTo("node 'route' routed to unknown key 'sideways'; known: [up]");
    }

    @Test
    void withoutLlmNodesEveryNodesTokensStream() {
        try (Stream<String> s = GraphStreams.streamTokens(twoTalkers(), Map.of())) {
            assertThat(s).containsExactly("one ", "two", "three ", "four");
        }
    }

    @Test
    void chosenNodesOnly() {
        try (Stream<String> s = GraphStreams.streamTokens(twoTalkers(), Map.of(), Set.of("first"))) {
            assertThat(s).containsExactly("one ", "two");
        }
        assertThatThrownBy(() -> GraphStreams.streamTokens(twoTalkers(), Map.of(), Set.of("third")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown node 'third'; nodes: [first, second]");
    }

    @Test
    void taggedTokensNameTheirNode() {
        try (Stream<GraphEvent.Token> s = GraphStreams.streamTaggedTokens(twoTalkers(), Map.of())) {
            assertThat(s).containsExactly(new GraphEvent.Token("first", "one "), new GraphEvent.Token("first", "two"),
                    new GraphEvent.Token("second", "three "), new GraphEvent.Token("second", "four"));
        }
    }

    @Test
    void emitTokenOutsideAStreamIsANoOp() {
        AtomicReference<Boolean> taken = new AtomicReference<>();
        CompiledGraph g = new StateGraph().addNode("n", s -> {
            taken.set(GraphStreams.emitToken("x"));
            return null;
        }).setEntryPoint("n").setFinishPoint("n").compile();
        g.invoke(Map.of());
        assertThat(taken.get()).isFalse();
        try (Stream<String> s = GraphStreams.streamTokens(g, Map.of())) {
            assertThat(s).containsExactly("x");
        }
        assertThat(taken.get()).isTrue();
    }

    @Test
    void tokensBeforeAFailureArriveThenTheFailureIsThrown() {
        CompiledGraph g = new StateGraph().addNode("n", s -> {
            GraphStreams.emitToken("partial ");
            throw new IllegalStateException("model melted");
        }).setEntryPoint("n").setFinishPoint("n").compile();
        StringBuilder got = new StringBuilder();
        try (Stream<String> s = GraphStreams.streamTokens(g, Map.of())) {
            assertThatThrownBy(() -> s.forEach(got::append)).isInstanceOf(NodeFailedException.class)
                    .hasMessage("node 'n' failed: java.lang.IllegalStateException: model melted");
        }
        assertThat(got.toString()).isEqualTo("partial ");
    }

    @Test
    void aSlowReaderBlocksTheGraphSoMemoryStaysBounded() throws Exception {
        AtomicInteger emitted = new AtomicInteger();
        AtomicReference<Thread> nodeThread = new AtomicReference<>();
        int total = CompiledGraph.QUEUE_CAPACITY * 20;
        CompiledGraph g = new StateGraph().addNode("gush", s -> {
            nodeThread.set(Thread.currentThread());
            for (int i = 0; i < total; i++) {
                GraphStreams.emitToken("t");
                emitted.incrementAndGet();
            }
            return null;
        }).setEntryPoint("gush").setFinishPoint("gush").compile();
        try (Stream<String> s = GraphStreams.streamTokens(g, Map.of())) {
            Iterator<String> it = s.iterator();
            assertThat(it.next()).isEqualTo("t");
            Threads.eventually(() -> nodeThread.get() != null && nodeThread.get().getState() == Thread.State.WAITING,
                    () -> "node thread " + nodeThread.get());
            // The queue holds at most its capacity (NodeStarted took one slot, the reader took one event).
            assertThat(emitted.get()).isBetween(CompiledGraph.QUEUE_CAPACITY - 2, CompiledGraph.QUEUE_CAPACITY + 1);
            int rest = 0;
            while (it.hasNext()) {
                it.next();
                rest++;
            }
            assertThat(rest + 1).isEqualTo(total);
        }
    }

    @Test
    void sseStreamSendsTokensAndNodeEventsWithoutIdsOrDone() {
        CompiledGraph g = twoTalkers();
        List<SseEvent> events;
        try (Stream<SseEvent> s = GraphStreams.sseStream(g, Map.of(), SseOptions.builder().nodeEvents(true)
                .tokenNodes(Set.of("second")).build())) {
            events = s.toList();
        }
        assertThat(events).containsExactly(
                SseEvent.of("node", "{\"node\":\"first\",\"update\":{\"a\":\"one two\"}}"),
                SseEvent.message("three "),
                SseEvent.message("four"),
                SseEvent.of("node", "{\"node\":\"second\",\"update\":{\"b\":\"three four\"}}"));
    }

    @Test
    void sseStreamDefaultsToPlainTokenMessagesOnTheWire() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter writer = new SseWriter(out);
        try (Stream<SseEvent> s = GraphStreams.sseStream(twoTalkers(), Map.of())) {
            s.forEach(writer::write);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).as("no ids, no keep-alive, no [DONE]: the server's to add")
                .isEqualTo("data: one \n\ndata: two\n\ndata: three \n\ndata: four\n\n");
    }

    @Test
    void sseOptionsHoldNodeEventsAndTokenNodes() {
        assertThat(SseOptions.defaults().nodeEvents()).isFalse();
        assertThat(SseOptions.defaults().tokenNodes()).isEmpty();
        SseOptions chosen = SseOptions.builder().nodeEvents(true).tokenNodes(Set.of("a")).build();
        SseOptions copy = chosen.toBuilder().build();
        assertThat(copy.nodeEvents()).isTrue();
        assertThat(copy.tokenNodes()).contains(Set.of("a"));
        assertThat(chosen.toBuilder().nodeEvents(false).build().nodeEvents()).as("the original is unchanged")
                .isFalse();
        assertThat(chosen.nodeEvents()).isTrue();
    }

    @Test
    void sseStreamTurnsAFailureIntoALastErrorEvent() throws Exception {
        CompiledGraph g = new StateGraph().addNode("n", s -> {
            GraphStreams.emitToken("so far");
            throw new IllegalStateException("upstream 500");
        }).setEntryPoint("n").setFinishPoint("n").compile();
        List<SseEvent> events;
        try (Stream<SseEvent> s = GraphStreams.sseStream(g, Map.of())) {
            events = s.toList();
        }
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(SseEvent.message("so far"));
        assertThat(events.get(1).event()).isEqualTo("error");
        assertThat(events.get(1).id()).isEmpty();
        assertThat(JSON.readTree(events.get(1).data()).get("node").asText()).isEqualTo("n");
        assertThat(JSON.readTree(events.get(1).data()).get("message").asText())
                .isEqualTo("node 'n' failed: java.lang.IllegalStateException: upstream 500");
    }

    @Test
    void wsStreamYieldsPlainTokens() {
        try (Stream<String> s = GraphStreams.wsStream(twoTalkers(), Map.of())) {
            assertThat(s).containsExactly("one ", "two", "three ", "four");
        }
    }

    @Test
    void wsMessagesAreStructuredJson() throws Exception {
        List<String> frames;
        try (Stream<String> s = GraphStreams.wsMessages(twoTalkers(), Map.of(), "s-42")) {
            frames = s.toList();
        }
        assertThat(frames).containsExactly(
                "{\"type\":\"token\",\"content\":\"one \",\"session_id\":\"s-42\"}",
                "{\"type\":\"token\",\"content\":\"two\",\"session_id\":\"s-42\"}",
                "{\"type\":\"token\",\"content\":\"three \",\"session_id\":\"s-42\"}",
                "{\"type\":\"token\",\"content\":\"four\",\"session_id\":\"s-42\"}",
                "{\"type\":\"done\",\"session_id\":\"s-42\"}");
    }

    @Test
    void wsMessagesReportAFailureAsAnErrorMessage() {
        CompiledGraph g = new StateGraph().addNode("n", s -> {
            throw new IllegalStateException("nope");
        }).setEntryPoint("n").setFinishPoint("n").compile();
        try (Stream<String> s = GraphStreams.wsMessages(g, Map.of(), "default")) {
            assertThat(s).containsExactly("{\"type\":\"error\",\"content\":\"node 'n' failed: "
                    + "java.lang.IllegalStateException: nope\",\"session_id\":\"default\"}");
        }
    }
}
