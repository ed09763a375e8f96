package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing any stream of a run stops it: the running node is interrupted, no further node starts, an LLM stream
 * in flight is closed (the server sees the disconnect), and every thread of the run ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancellationTest {

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        Threads.awaitNoneOfOurs();
        server.close();
    }

    record Kind(String name, Function<CompiledGraph, Stream<?>> open) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Kind> kinds() {
        Map<String, Object> in = Map.of();
        return List.of(
                new Kind("stream", g -> g.stream(in)),
                new Kind("events", g -> g.events(in)),
                new Kind("streamTokens", g -> GraphStreams.streamTokens(g, in)),
                new Kind("streamAllTokens", g -> GraphStreams.streamAllTokens(g, in)),
                new Kind("streamTaggedTokens", g -> GraphStreams.streamTaggedTokens(g, in)),
                new Kind("sseStream", g -> GraphStreams.sseStream(g, in)),
                new Kind("wsStream", g -> GraphStreams.wsStream(g, in)),
                new Kind("wsMessages", g -> GraphStreams.wsMessages(g, in, "s")));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void closingInterruptsTheNodeAndStartsNoOther(Kind kind) throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicBoolean laterNodeRan = new AtomicBoolean();
        CompiledGraph g = new StateGraph()
                .addNode("first", s -> {
                    GraphStreams.emitToken("tok");
                    return Map.of("a", 1);
                })
                .addNode("block", s -> {
                    blocking.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return null;
                })
                .addNode("later", s -> {
                    laterNodeRan.set(true);
                    return null;
                })
                .addEdge("first", "block").addEdge("block", "later")
                .setEntryPoint("first").setFinishPoint("later").compile();
        Stream<?> s = kind.open().apply(g);
        Iterator<?> it = s.iterator();
        assertThat(it.hasNext()).isTrue();
        it.next();
        assertThat(blocking.await(5, TimeUnit.SECONDS)).as("node 'block' running").isTrue();
        s.close();
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("running node interrupted").isTrue();
        Threads.awaitNoneOfOurs();
        assertThat(laterNodeRan).as("no node starts after close").isFalse();
        assertThat(it.hasNext()).as("closed stream is over").isFalse();
    }

    @Test
    void closingDuringAFanOutInterruptsEveryBranch() throws Exception {
        CountDownLatch bothBlocked = new CountDownLatch(2);
        CountDownLatch bothInterrupted = new CountDownLatch(2);
        Node blocks = s -> {
            bothBlocked.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                bothInterrupted.countDown();
                throw e;
            }
            return null;
        };
        CompiledGraph g = new StateGraph().addNode("split", s -> null).addNode("l", blocks).addNode("r", blocks)
                .addEdge("split", "l").addEdge("split", "r").setEntryPoint("split")
                .setFinishPoint("l").setFinishPoint("r").compile();
        try (Stream<NodeUpdate> s = g.stream(Map.of())) {
            assertThat(s.iterator().next().node()).isEqualTo("split");
            assertThat(bothBlocked.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(Threads.ours()).as("run thread and two branch threads").hasSize(3)
                    .contains("synapsekit-graph-node-l", "synapsekit-graph-node-r")
                    .anyMatch(name -> name.startsWith("synapsekit-graph-run-"));
        }
        assertThat(bothInterrupted.await(5, TimeUnit.SECONDS)).isTrue();
        Threads.awaitNoneOfOurs();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void closingReleasesTheLlmConnection(Kind kind) throws Exception {
        CountDownLatch firstSent = new CountDownLatch(1);
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(OpenAIStreams.endless(firstSent, clientLeft));
        LLM llm = OpenAIStreams.llm(server);
        CompiledGraph g = new StateGraph().addNode("generate", LlmNode.of(llm).promptTemplate("go"))
                .setEntryPoint("generate").setFinishPoint("generate").compile();
        Stream<?> run = kind.open().apply(g);
        try {
            assertThat(firstSent.await(5, TimeUnit.SECONDS)).as("the LLM is streaming").isTrue();
        } finally {
            run.close(); // closed while the node is mid-answer: the HTTP stream must be released
        }
        assertThat(clientLeft.await(15, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
        Threads.awaitNoneOfOurs();
    }
}
