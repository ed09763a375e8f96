package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A streamed run, fan-out and cancellation included, never pins a carrier thread (JFR jdk.VirtualThreadPinned).
 *
 * <p>Run it on JDK 21 ({@code -Djvm=/opt/jdk21/bin/java}): there a virtual thread that blocks while holding a monitor
 * ({@code synchronized}) pins its carrier and this test fails, naming the thread and the frames; since JDK 24
 * (JEP 491) {@code synchronized} no longer pins, so on newer JDKs it guards only what still pins (native frames).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinningTest {

    @Test
    void aStreamedRunDoesNotPin() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            scenario(server); // warm-up: class loading and initialisation pin by nature, and are not ours
        }
        List<String> pinned = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream(); MockWebServer server = new MockWebServer()) {
            rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            rs.onEvent("jdk.VirtualThreadPinned", e -> {
                String stack = stack(e);
                if (!stack.contains("ClassLoader.loadClass") && !stack.contains("<clinit>")) {
                    RecordedThread thread = e.getThread("eventThread");
                    pinned.add((thread == null ? "a virtual thread" : thread.getJavaName()) + " pinned "
                            + e.getDuration().toMillis() + " ms at\n" + stack);
                }
            });
            rs.startAsync();
            server.start();
            scenario(server);
            rs.stop(); // flushes: every event recorded so far has been delivered to onEvent
        }
        assertThat(pinned).as("pinned virtual threads").isEmpty();
    }

    /**
     * Returns every frame of the event's stack, one per line: the recorded stack's {@code toString} shows only the
     * top few, which would hide both the frame to blame and the class loading that the filter above lets pass.
     */
    private static String stack(RecordedEvent e) {
        RecordedStackTrace trace = e.getStackTrace();
        if (trace == null) {
            return "(no stack trace)";
        }
        StringBuilder out = new StringBuilder();
        for (RecordedFrame f : trace.getFrames()) {
            out.append("  ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                    .append(':').append(f.getLineNumber()).append('\n');
        }
        return out.toString();
    }

    private static void scenario(MockWebServer server) throws Exception {
        LLM llm = OpenAIStreams.llm(server);
        server.enqueue(OpenAIStreams.answer("a", "b"));
        server.enqueue(OpenAIStreams.answer("c", "d"));
        CompiledGraph g = new StateGraph()
                .addNode("split", s -> null)
                .addNode("left", LlmNode.of(llm).promptTemplate("l").outputKey("l"))
                .addNode("right", LlmNode.of(llm).promptTemplate("r").outputKey("r"))
                .addEdge("split", "left").addEdge("split", "right")
                .setEntryPoint("split").setFinishPoint("left").setFinishPoint("right").compile();
        try (Stream<String> tokens = GraphStreams.streamAllTokens(g, Map.of())) {
            assertThat(tokens.toList()).containsExactlyInAnyOrder("a", "b", "c", "d");
        }
        CountDownLatch firstSent = new CountDownLatch(1);
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(OpenAIStreams.endless(firstSent, clientLeft));
        Stream<String> cancelled = GraphStreams.streamTokens(new StateGraph().addNode("n", LlmNode.of(llm)
                .promptTemplate("x")).setEntryPoint("n").setFinishPoint("n").compile(), Map.of());
        assertThat(firstSent.await(5, TimeUnit.SECONDS)).isTrue();
        cancelled.close();
        assertThat(clientLeft.await(15, TimeUnit.SECONDS)).isTrue();
        Threads.awaitNoneOfOurs();
    }
}
