package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.sse.SseEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each answer served over SSE or a WebSocket as observed work: the parent of what its source starts, current
 * where the source is created and read, ended once with how it ended.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServedAnswerObservationTest {

    /** Records each work's parent (the work current where it started) and how it ended. */
    static final class Recorder implements LLMListener {
        final ThreadLocal<@Nullable String> current = new ThreadLocal<>();
        final Map<String, String> parents = new ConcurrentHashMap<>();
        final BlockingQueue<String> ended = new LinkedBlockingQueue<>();

        @Override
        public LLMCallListener callStarted(LLMCall call) {
            return LLMCallListener.NONE;
        }

        /** Returns the work current on this thread, or {@code "(root)"}. */
        String current() {
            return Objects.requireNonNullElse(current.get(), "(root)");
        }

        @Override
        public WorkListener workStarted(Work work) {
            String id = work.kind() + " " + work.name();
            parents.put(id, current());
            return new WorkListener() {
                @Override
                public Scope enter() {
                    String before = current.get();
                    current.set(id);
                    return () -> current.set(before);
                }

                @Override
                public void finished(@Nullable Throwable failure) {
                    ended.add(id + (failure == null ? "" : " failed: " + failure.getMessage()));
                }
            };
        }

        String nextEnded() throws InterruptedException {
            String e = ended.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("a work ended").isNotNull();
            return e;
        }
    }

    private final Recorder recorder = new Recorder();

    @Test
    void aGraphRunCreatedBySuppliedSourceIsTheAnswersChild() throws InterruptedException {
        CompiledGraph graph = new StateGraph().addNode("answer", s -> Map.of("text", "hi"))
                .addEdge("answer", StateGraph.END).setEntryPoint("answer").listener(recorder).compile();
        SseResponse sse = SseResponse.builder().listener(recorder).build();

        SseOutcome outcome = sse.stream(new TestSink(), () -> GraphStreams.sseStream(graph, Map.of()));

        assertThat(outcome).isEqualTo(SseOutcome.COMPLETED);
        assertThat(recorder.parents).containsExactlyInAnyOrderEntriesOf(Map.of(
                "serve.sse stream", "(root)",
                "graph.run ", "serve.sse stream",
                "graph.node answer", "graph.run "));
        assertThat(List.of(recorder.nextEnded(), recorder.nextEnded(), recorder.nextEnded()))
                .containsExactlyInAnyOrder("graph.node answer", "graph.run ", "serve.sse stream");
    }

    @Test
    void aLazySourceIsReadInsideTheAnswerAndItsFailureEndsIt() throws InterruptedException {
        SseResponse sse = SseResponse.builder().listener(recorder).build();
        TestSink sink = new TestSink();
        // A source that starts its work when first read: an LLM stream created inside a flatMap.
        Stream<String> tokens = Stream.of("q").flatMap(q -> Stream.of(recorder.current()))
                .map(t -> {
                    if (t.equals("(root)")) {
                        return t;
                    }
                    throw new IllegalStateException("model gone after " + t);
                });

        SseOutcome outcome = sse.streamTokens(sink, tokens);

        assertThat(outcome).isEqualTo(SseOutcome.FAILED);
        assertThat(sink.events()).extracting(SseEvent::data)
                .anySatisfy(d -> assertThat(d).contains("model gone after serve.sse stream"));
        assertThat(recorder.nextEnded()).isEqualTo("serve.sse stream failed: model gone after serve.sse stream");
    }

    @Test
    void aResumableAnswersSourceIsCreatedAndReadInsideItAndAResumeIsItsOwnWork() throws InterruptedException {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create()).listener(recorder).build();
        String created = recorder.current(); // replaced by what the supplier sees
        TestSink sink = new TestSink();
        String[] seen = new String[2];

        SseOutcome outcome = sse.stream(sink, () -> {
            seen[0] = recorder.current();
            return Stream.of(SseEvent.message("a")).peek(e -> seen[1] = recorder.current());
        });

        assertThat(outcome).isEqualTo(SseOutcome.COMPLETED);
        assertThat(created).isEqualTo("(root)");
        assertThat(seen).containsExactly("serve.sse stream", "serve.sse stream");
        assertThat(recorder.nextEnded()).isEqualTo("serve.sse stream");

        String firstId = sink.events().get(0).id();
        assertThat(sse.resume(new TestSink(), firstId)).isEqualTo(SseOutcome.COMPLETED);
        assertThat(recorder.nextEnded()).isEqualTo("serve.sse resume");
    }

    @Test
    void aWebSocketAnswerIsCreatedAndReadInsideItsWork() throws InterruptedException {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WsProtocol protocol = WsProtocol.plain(q -> Stream.of(recorder.current(), q)
                .map(t -> t + "|" + recorder.current())).withListener(recorder);

        try (WsConnection c = WsConnection.open("obs", protocol, frames::add, 100)) {
            c.received("hi");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("serve.websocket plain|serve.websocket plain");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("hi|serve.websocket plain");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("[DONE]");
        }
        assertThat(recorder.nextEnded()).isEqualTo("serve.websocket plain");
        assertThat(recorder.nextEnded()).isEqualTo("websocket.connection plain");
        assertThat(recorder.parents).containsEntry("serve.websocket plain", "websocket.connection plain")
                .containsEntry("websocket.connection plain", "(root)");
    }

    @Test
    void answersAreChildrenOfTheConnectionBegunUnderTheUpgradeRequestWhichEndsAfterThem()
            throws InterruptedException {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WsProtocol protocol = WsProtocol.plain(q -> Stream.of(q + "|" + recorder.current())).withListener(recorder);
        // The upgrade request's context, current on its thread only while the handshake runs.
        WorkListener request = recorder.workStarted(new Work("request", "GET /ws"));
        WsUpgrade upgrade;
        try (Scope ignored = request.enter()) {
            upgrade = WsUpgrade.begin(protocol);
        }
        assertThat(recorder.current()).as("nothing left current on the request thread").isEqualTo("(root)");

        WsConnection c = WsConnection.open("obs", protocol, frames::add, 100, upgrade);
        try {
            c.received("one");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("one|serve.websocket plain");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("[DONE]");
            c.received("two");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("two|serve.websocket plain");
            assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("[DONE]");
            assertThat(List.of(recorder.nextEnded(), recorder.nextEnded()))
                    .containsExactly("serve.websocket plain", "serve.websocket plain");
            assertThat(recorder.ended).as("the connection is open").isEmpty();
        } finally {
            c.close();
        }
        assertThat(recorder.nextEnded()).isEqualTo("websocket.connection plain");
        assertThat(recorder.parents).containsEntry("websocket.connection plain", "request GET /ws")
                .containsEntry("serve.websocket plain", "websocket.connection plain");
        upgrade.refused(); // once ended, it stays ended
        assertThat(recorder.ended.poll(100, TimeUnit.MILLISECONDS)).as("ended once").isNull();
    }

    @Test
    void anUpgradeThatOpensNoConnectionEndsOnceAsRefused() throws InterruptedException {
        WsProtocol protocol = WsProtocol.plain(Stream::of).withListener(recorder);
        WsUpgrade refused = WsUpgrade.begin(protocol);
        refused.refused();
        refused.refused();
        assertThat(recorder.nextEnded())
                .isEqualTo("websocket.connection plain failed: the WebSocket upgrade did not open a connection");

        WsUpgrade unopened = WsUpgrade.begin(protocol);
        assertThatThrownBy(() -> WsConnection.open("bad", protocol, text -> { }, 0, unopened))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageChars");
        assertThat(recorder.nextEnded())
                .isEqualTo("websocket.connection plain failed: maxMessageChars must be positive: 0");
        assertThat(recorder.ended.poll(100, TimeUnit.MILLISECONDS)).as("each ended once").isNull();
    }
}
