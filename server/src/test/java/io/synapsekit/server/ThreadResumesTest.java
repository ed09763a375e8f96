package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.server.internal.ThreadResumes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link ThreadResumes}: a resume over the wire runs a paused thread once, whatever the interleaving. */
class ThreadResumesTest {

    @Test
    void aResumeThatLooksWhileAnotherClaimsIsRefusedNotRunOnTheOthersClaim() throws Exception {
        HookedCheckpointer checkpointer = new HookedCheckpointer();
        CompiledGraph graph = WsGraphProtocolTest.approval().withCheckpointer(checkpointer);
        String threadId = "t";
        try (Stream<?> run = graph.events(threadId, Map.of("topic", "rag"))) {
            run.forEach(e -> { });
        }
        // The first resume's claim waits (boundedly) for the second's look at the head; the second then waits for
        // that claim to be stored, and the first run's next checkpoint waits for the second's claim. Unless the look
        // and the claim are one step, the second sees the thread paused, then resumes from the first one's claim:
        // the first run fails on a conflict and the second publishes the first one's value.
        long paused = graph.state(threadId).orElseThrow().version();
        CountDownLatch firstClaiming = new CountDownLatch(1);
        CountDownLatch secondLooked = new CountDownLatch(1);
        CountDownLatch firstClaimed = new CountDownLatch(1);
        CountDownLatch secondClaimed = new CountDownLatch(1);
        checkpointer.beforePut = c -> {
            if (isNamed("first") && firstClaiming.getCount() > 0) {
                firstClaiming.countDown();
                await(secondLooked); // never comes when the look waits for this claim
            } else if (!isNamed("second") && c.version() == paused + 2) {
                await(secondClaimed); // the first run's next checkpoint; never comes when the second is refused
            }
        };
        checkpointer.afterPut = c -> {
            if (isNamed("first")) {
                firstClaimed.countDown();
            } else if (isNamed("second")) {
                secondClaimed.countDown();
            }
        };
        checkpointer.afterHead = t -> {
            if (isNamed("second") && secondLooked.getCount() > 0) {
                secondLooked.countDown();
                await(firstClaimed);
            }
        };
        try (ExecutorService resumes = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("first").factory());
                ExecutorService seconds = Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("second").factory())) {
            Future<String> a = resumes.submit(() -> outcome(graph, threadId, "one"));
            assertThat(firstClaiming.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> b = seconds.submit(() -> outcome(graph, threadId, "two"));
            List<String> outcomes = List.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS));

            assertThat(outcomes).containsExactly("ran", "NOT_PAUSED");
        }
        assertThat(graph.state(threadId).orElseThrow().state()).containsEntry("final", "one");
    }

    @Test
    void aResumeThatAnswersAnEarlierPauseIsRefusedAndRunsNothing() throws Exception {
        CompiledGraph graph = WsGraphProtocolTest.approval().withCheckpointer(new HookedCheckpointer());
        String threadId = "t";
        try (Stream<?> run = graph.events(threadId, Map.of("topic", "rag"))) {
            run.forEach(e -> { });
        }
        var paused = graph.state(threadId).orElseThrow();

        ThreadResumes.Refusal refusal = org.assertj.core.api.Assertions.catchThrowableOfType(
                ThreadResumes.Refusal.class, () -> ThreadResumes.resume(graph, threadId, "an-earlier-pause",
                        head -> GraphStreams.wsResume(graph, threadId, head, "late", "s")));

        assertThat(refusal.problem()).isEqualTo(ThreadResumes.Problem.CONFLICT);
        assertThat(refusal).hasMessageContaining("an-earlier-pause");
        assertThat(graph.state(threadId).orElseThrow().id()).isEqualTo(paused.id()); // nothing claimed
        try (Stream<String> frames = ThreadResumes.resume(graph, threadId, paused.id(),
                head -> GraphStreams.wsResume(graph, threadId, head, "one", "s"))) {
            assertThat(frames.toList().getLast()).contains("\"done\"");
        }
    }

    private static boolean isNamed(String name) {
        return Thread.currentThread().getName().equals(name);
    }

    /** Waits a bounded time: in the order the test proves, the awaited event does not happen. */
    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String outcome(CompiledGraph graph, String threadId, String value) {
        try (Stream<String> frames = ThreadResumes.resume(graph, threadId, null,
                head -> GraphStreams.wsResume(graph, threadId, head, value, "s"))) {
            List<String> all = frames.toList();
            return all.getLast().contains("\"done\"") ? "ran" : "ended " + all;
        } catch (ThreadResumes.Refusal e) {
            return e.problem().name();
        }
    }
}
