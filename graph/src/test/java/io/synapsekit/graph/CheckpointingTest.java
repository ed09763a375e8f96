package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs of a thread: checkpoints per wave, pauses and resumes, time travel, failures at the checkpoint. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CheckpointingTest {

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @AfterEach
    void noThreadOutlivesTheTest() throws InterruptedException {
        Threads.awaitNoneOfOurs();
    }

    private int ran(String node) {
        return runs.computeIfAbsent(node, k -> new AtomicInteger()).get();
    }

    private Node counted(String name, Node body) {
        return state -> {
            runs.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            return body.apply(state);
        };
    }

    /** a -> (b, c, d) -> e, with "log" appended by every node. */
    private StateGraph fanOut(Node c) {
        return new StateGraph()
                .addNode("a", counted("a", s -> Map.of("log", "a")))
                .addNode("b", counted("b", s -> Map.of("log", "b", "b", 1)))
                .addNode("c", counted("c", c))
                .addNode("d", counted("d", s -> Map.of("log", "d", "d", List.of(1, 2))))
                .addNode("e", counted("e", s -> Map.of("log", "e", "seen", s.get("log"))))
                .addEdge("a", "b").addEdge("a", "c").addEdge("a", "d")
                .addEdge("b", "e").addEdge("c", "e").addEdge("d", "e")
                .reducer("log", StateGraph.appendToList())
                .setEntryPoint("a").setFinishPoint("e");
    }

    @Test
    void aThreadRunStoresACheckpointPerWaveAndEndsAsAPlainRunDoes() {
        StateGraph g = fanOut(s -> Map.of("log", "c"));
        Map<String, @Nullable Object> plain = g.compile().invoke(Map.of("in", 1));
        MemoryCheckpointer cp = new MemoryCheckpointer();

        Map<String, @Nullable Object> result = g.compile().withCheckpointer(cp).invoke("t1", Map.of("in", 1));

        assertThat(result).isEqualTo(plain);
        List<Checkpoint> history = g.compile().withCheckpointer(cp).history("t1");
        assertThat(history).extracting(Checkpoint::version).containsExactly(4L, 3L, 2L, 1L);
        assertThat(history).extracting(Checkpoint::next).containsExactly(
                List.of(), List.of("e"), List.of("b", "c", "d"), List.of("a"));
        assertThat(history.get(0).state()).isEqualTo(plain);
        assertThat(history.get(1).parentId()).isEqualTo(history.get(2).id());
        assertThat(history.get(0).resumable()).isFalse();
    }

    @Test
    void askPausesTheRunAndResumeRerunsTheNodeFromItsStartWithTheAnswer() {
        AtomicInteger beforeAsk = new AtomicInteger();
        StateGraph g = new StateGraph()
                .addNode("draft", s -> Map.of("draft", "hello"))
                .addNode("approve", s -> {
                    beforeAsk.incrementAndGet();
                    Object verdict = Interrupt.ask(Map.of("draft", s.get("draft")));
                    return Map.of("verdict", verdict);
                })
                .addNode("send", s -> Map.of("sent", "yes".equals(s.get("verdict"))))
                .addEdge("draft", "approve").addEdge("approve", "send").setEntryPoint("draft");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        List<GraphEvent> first = c.events("t", Map.of()).toList();

        GraphEvent last = first.get(first.size() - 1);
        assertThat(last).isInstanceOf(GraphEvent.Interrupted.class);
        GraphEvent.Interrupted paused = (GraphEvent.Interrupted) last;
        assertThat(paused.node()).isEqualTo("approve");
        assertThat(paused.payload()).isEqualTo(Map.of("draft", "hello"));
        Checkpoint head = c.state("t").orElseThrow();
        assertThat(head.id()).isEqualTo(paused.checkpointId());
        assertThat(head.pause()).isEqualTo(new Checkpoint.Pause("approve", Checkpoint.PauseKind.ASK,
                Map.of("draft", "hello")));
        assertThat(head.next()).containsExactly("approve");
        assertThat(first).noneMatch(e -> e instanceof GraphEvent.Done);

        List<GraphEvent> second;
        try (Stream<GraphEvent> events = c.resume("t", "yes")) {
            second = events.toList();
        }

        assertThat(second.get(second.size() - 1)).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("verdict", "yes").containsEntry("sent", true));
        assertThat(second).filteredOn(e -> e instanceof GraphEvent.NodeStarted)
                .extracting(e -> ((GraphEvent.NodeStarted) e).node()).containsExactly("approve", "send");
        assertThat(beforeAsk).as("the node ran again from its start").hasValue(2);
        assertThatThrownBy(() -> c.resume("t", "again")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing to resume");
    }

    @Test
    void aNodeThatCatchesThePauseStillPausesAndSeveralAsksTakeAnswersInOrder() {
        StateGraph g = new StateGraph()
                .addNode("form", s -> {
                    Object name;
                    try {
                        name = Interrupt.ask("name?");
                    } catch (Exception swallowed) {
                        return Map.of("broken", true);
                    }
                    Object age = Interrupt.ask("age?");
                    return Map.of("name", name, "age", age);
                })
                .setEntryPoint("form");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        assertThatThrownBy(() -> c.invoke("t", Map.of())).isInstanceOfSatisfying(RunPausedException.class,
                e -> assertThat(e.interrupt().payload()).isEqualTo("name?"));
        assertThat(last(c.resume("t", "Ada"))).isEqualTo(new GraphEvent.Interrupted("form", "age?",
                c.state("t").orElseThrow().id()));
        assertThat(last(c.resume("t", 36))).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("name", "Ada").containsEntry("age", 36)
                        .doesNotContainKey("broken"));
    }

    @Test
    void interruptBeforeHoldsTheWaveAndInterruptAfterStopsAfterIt() {
        StateGraph g = new StateGraph()
                .addNode("a", counted("a", s -> Map.of("a", 1)))
                .addNode("b", counted("b", s -> Map.of("b", 2)))
                .addNode("c", counted("c", s -> Map.of("c", 3)))
                .addEdge("a", "b").addEdge("b", "c").setEntryPoint("a");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer()).interruptBefore("b")
                .interruptAfter("b");

        GraphEvent stop1 = last(c.events("t", Map.of()));
        assertThat(stop1).isInstanceOfSatisfying(GraphEvent.Interrupted.class, i -> {
            assertThat(i.node()).isEqualTo("b");
            assertThat(i.payload()).isNull();
        });
        assertThat(ran("b")).isZero();
        assertThat(c.state("t").orElseThrow().pause().kind()).isEqualTo(Checkpoint.PauseKind.BEFORE);

        GraphEvent stop2 = last(c.resume("t", null));
        assertThat(stop2).isInstanceOf(GraphEvent.Interrupted.class);
        assertThat(ran("b")).isEqualTo(1);
        assertThat(ran("c")).isZero();
        assertThat(c.state("t").orElseThrow().pause().kind()).isEqualTo(Checkpoint.PauseKind.AFTER);

        assertThat(last(c.resume("t", null))).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("c", 3));
        assertThat(List.of(ran("a"), ran("b"), ran("c"))).containsExactly(1, 1, 1);
        assertThatThrownBy(() -> c.interruptBefore("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown node 'nope'");
    }

    @Test
    void aFailedFanOutKeepsTheFinishedBranchesAndResumeRerunsOnlyTheFailedOne() {
        AtomicInteger attempts = new AtomicInteger();
        StateGraph g = fanOut(s -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("flaky");
            }
            return Map.of("log", "c");
        });
        Map<String, @Nullable Object> expected = fanOut(s -> Map.of("log", "c")).compile().invoke(Map.of());
        runs.clear();
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        assertThatThrownBy(() -> c.invoke("t", Map.of())).isInstanceOf(NodeFailedException.class)
                .hasMessageContaining("flaky");
        Checkpoint head = c.state("t").orElseThrow();
        assertThat(head.next()).containsExactly("b", "c", "d");
        assertThat(head.writes()).containsOnlyKeys("b", "d");

        GraphEvent end = last(c.resume("t", null));

        assertThat(end).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).isEqualTo(expected));
        assertThat(List.of(ran("a"), ran("b"), ran("c"), ran("d"), ran("e"))).containsExactly(1, 1, 2, 1, 1);
    }

    @Test
    void forkingAnEarlierCheckpointRunsANewPathAndKeepsTheOldOne() {
        StateGraph g = new StateGraph()
                .addNode("pick", s -> Map.of("picked", s.get("choice")))
                .addNode("left", s -> Map.of("went", "left"))
                .addNode("right", s -> Map.of("went", "right"))
                .addConditionalEdges("pick", s -> "L".equals(s.get("picked")) ? "left" : "right")
                .setEntryPoint("pick");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());
        assertThat(c.invoke("t", Map.of("choice", "L"))).containsEntry("went", "left");
        Checkpoint input = c.history("t").get(c.history("t").size() - 1);
        assertThat(input.next()).containsExactly("pick");

        Checkpoint forked = c.fork("t", input.id());
        Checkpoint edited = c.updateState("t", Map.of("choice", "R"));
        GraphEvent end = last(c.resume("t", null));

        assertThat(forked.parentId()).isEqualTo(input.id());
        assertThat(edited.next()).containsExactly("pick");
        assertThat(end).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("went", "right").containsEntry("choice", "R"));
        assertThat(c.history("t")).extracting(cp -> cp.state().get("went")).contains("left", "right");
        assertThat(c.history("t").get(0).version()).isEqualTo(c.history("t").size());
        assertThatThrownBy(() -> c.fork("t", "no-such-id")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no checkpoint 'no-such-id'");
    }

    @Test
    void anUnserialisableValueFailsAtTheCheckpointNamingTheKey() {
        StateGraph g = new StateGraph()
                .addNode("a", s -> Map.of("fine", 1, "socket", new Object()))
                .addNode("b", counted("b", s -> Map.of()))
                .addEdge("a", "b").setEntryPoint("a");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        GraphEvent end = last(c.events("t", Map.of()));

        assertThat(end).isInstanceOfSatisfying(GraphEvent.Failed.class, f -> {
            assertThat(f.node()).isEqualTo("a");
            assertThat(f.error()).isInstanceOfSatisfying(StateSerializationException.class,
                    e -> assertThat(e.key()).isEqualTo("socket"));
            assertThat(f.error().getMessage()).contains("'socket'", "node 'a'", "java.lang.Object");
        });
        assertThat(ran("b")).isZero();
        assertThatThrownBy(() -> c.invoke("t2", Map.of("bad", new Object())))
                .isInstanceOfSatisfying(StateSerializationException.class, e -> assertThat(e.key()).isEqualTo("bad"));
        assertThat(c.state("t2")).isEmpty();
    }

    @Test
    void ofTwoConcurrentResumesOneGoesOnAndTheOtherGetsAConflict() throws Exception {
        MemoryCheckpointer store = new MemoryCheckpointer();
        CyclicBarrier bothReadTheHead = new CyclicBarrier(2);
        AtomicInteger heads = new AtomicInteger();
        Checkpointer racing = new DelegatingCheckpointer(store) {
            @Override
            public Optional<Checkpoint> head(String threadId) {
                Optional<Checkpoint> h = super.head(threadId);
                if (heads.incrementAndGet() <= 2) {
                    await(bothReadTheHead);
                }
                return h;
            }
        };
        StateGraph g = new StateGraph()
                .addNode("ask", s -> Map.of("answer", Interrupt.ask("?")))
                .setEntryPoint("ask");
        g.compile().withCheckpointer(store).events("t", Map.of()).toList();
        CompiledGraph c = g.compile().withCheckpointer(racing);

        List<Object> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread[] resumers = new Thread[2];
        for (int i = 0; i < 2; i++) {
            String answer = "r" + i;
            resumers[i] = Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(last(c.resume("t", answer)));
                } catch (RuntimeException e) {
                    outcomes.add(e);
                }
            });
        }
        for (Thread t : resumers) {
            t.join();
        }

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(o -> o instanceof GraphEvent.Done).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof CheckpointConflictException).hasSize(1)
                .first().satisfies(e -> assertThat(((CheckpointConflictException) e).threadId()).isEqualTo("t"));
    }

    @Test
    void aResumeBoundToThePauseItAnswersCannotGoOnFromAnotherResumesClaim() {
        // Two servers saw the same pause; the first has claimed the thread (its run is under way). An unbound
        // resume by the second would read that claim as the head and go on from it with the first one's answer;
        // bound to the pause it saw, it gets the conflict, and so does a resume sent twice for a later pause.
        StateGraph g = new StateGraph()
                .addNode("ask", s -> Map.of("answer", Interrupt.ask("?")))
                .addNode("again", s -> Map.of("second", Interrupt.ask("again?")))
                .addEdge("ask", "again").setEntryPoint("ask");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());
        GraphEvent.Interrupted first = (GraphEvent.Interrupted) last(c.events("t", Map.of()));

        GraphEvent.Interrupted second = (GraphEvent.Interrupted) last(c.resume("t", first.checkpointId(), "one"));
        assertThat(second.node()).isEqualTo("again");

        assertThatThrownBy(() -> c.resume("t", first.checkpointId(), "two"))
                .isInstanceOfSatisfying(CheckpointConflictException.class,
                        e -> assertThat(e.threadId()).isEqualTo("t"))
                .hasMessageContaining(first.checkpointId()).hasMessageContaining(second.checkpointId());
        assertThat(c.state("t").orElseThrow().id()).as("the refused resume stored nothing")
                .isEqualTo(second.checkpointId());
        assertThat(last(c.resume("t", second.checkpointId(), "three"))).isInstanceOfSatisfying(
                GraphEvent.Done.class, d -> assertThat(d.state()).containsEntry("answer", "one")
                        .containsEntry("second", "three"));
    }

    @Test
    void threadRunsNeedACheckpointerAndAskNeedsAThreadRun() {
        StateGraph g = new StateGraph().addNode("ask", s -> Map.of("a", Interrupt.ask("?"))).setEntryPoint("ask");

        assertThatThrownBy(() -> g.compile().stream("t", Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("withCheckpointer");
        assertThatThrownBy(() -> g.compile().withCheckpointer(new MemoryCheckpointer()).invoke(Map.of()))
                .isInstanceOf(NodeFailedException.class).hasMessageContaining("only a run with a thread id");
        assertThatThrownBy(() -> Interrupt.ask("outside")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResumedRunSeesTheValuesAnUnbrokenOneSees() {
        record Point(int x, int y) {
        }
        List<Object> seen = new ArrayList<>();
        StateGraph g = new StateGraph()
                .addNode("a", s -> Map.of("p", new Point(1, 2)))
                .addNode("b", s -> {
                    seen.add(s.get("p"));
                    return Map.of();
                })
                .addEdge("a", "b").setEntryPoint("a");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());
        c.invoke("t1", Map.of());
        c.interruptBefore("b").events("t2", Map.of()).toList();
        c.interruptBefore("b").resume("t2", null).toList();

        assertThat(seen).containsExactly(Map.of("x", 1, "y", 2), Map.of("x", 1, "y", 2));
    }

    @Test
    void numbersReadTheSameWhetherTheRunWasResumedOrNot() {
        List<Object> seen = new ArrayList<>();
        StateGraph g = new StateGraph()
                .addNode("a", s -> Map.of("small", 7L, "float", 1.5f))
                .addNode("b", s -> {
                    seen.add(s.get("in"));
                    seen.add(s.get("small"));
                    seen.add(s.get("float"));
                    return Map.of();
                })
                .addEdge("a", "b").setEntryPoint("a");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());
        c.invoke("t1", Map.of("in", 61207L));
        c.interruptBefore("b").events("t2", Map.of("in", 61207L)).toList();
        c.interruptBefore("b").resume("t2", null).toList();

        assertThat(seen.subList(0, 3)).isEqualTo(seen.subList(3, 6));
        assertThat(seen.subList(0, 3)).containsExactly(61207, 7, 1.5d);
    }

    @Test
    void twoBranchesThatAskAreAnsweredOneResumeEachAndTheOthersRunOnce() {
        StateGraph g = new StateGraph()
                .addNode("start", s -> Map.of())
                .addNode("left", counted("left", s -> Map.of("left", Interrupt.ask("left?"))))
                .addNode("mid", counted("mid", s -> Map.of("mid", "done")))
                .addNode("right", counted("right", s -> Map.of("right", Interrupt.ask("right?"))))
                .addEdge("start", "left").addEdge("start", "mid").addEdge("start", "right")
                .setEntryPoint("start");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        assertThat(last(c.events("t", Map.of()))).isInstanceOfSatisfying(GraphEvent.Interrupted.class,
                i -> assertThat(i.payload()).isEqualTo("left?"));
        assertThat(c.state("t").orElseThrow().writes()).containsOnlyKeys("mid");
        assertThat(last(c.resume("t", "L"))).isInstanceOfSatisfying(GraphEvent.Interrupted.class,
                i -> assertThat(i.payload()).isEqualTo("right?"));
        assertThat(last(c.resume("t", "R"))).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("left", "L").containsEntry("right", "R")
                        .containsEntry("mid", "done"));
        assertThat(List.of(ran("left"), ran("mid"), ran("right"))).as("left is stored once answered")
                .containsExactly(2, 1, 3);
    }

    @Test
    void streamAndStreamTokensOfAThreadEndAtAPause() {
        StateGraph g = new StateGraph()
                .addNode("talk", s -> {
                    GraphStreams.emitToken("hel");
                    GraphStreams.emitToken("lo");
                    return Map.of("said", "hello");
                })
                .addNode("wait", s -> Map.of("ok", Interrupt.ask("ok?")))
                .addEdge("talk", "wait").setEntryPoint("talk");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        try (Stream<NodeUpdate> updates = c.stream("t1", Map.of())) {
            assertThat(updates.map(NodeUpdate::node).toList()).containsExactly("talk");
        }
        try (Stream<String> tokens = c.streamTokens("t2", Map.of())) {
            assertThat(tokens.toList()).containsExactly("hel", "lo");
        }
        assertThat(c.state("t1").orElseThrow().pause().node()).isEqualTo("wait");
        assertThat(c.state("t2").orElseThrow().pause().node()).isEqualTo("wait");
    }

    @Test
    void closingAThreadRunMidWayLeavesItResumable() throws Exception {
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger slowRuns = new AtomicInteger();
        StateGraph g = new StateGraph()
                .addNode("a", s -> Map.of("a", 1))
                .addNode("slow", s -> {
                    if (slowRuns.incrementAndGet() == 1) {
                        blocked.countDown();
                        new java.util.concurrent.CountDownLatch(1).await();   // until the stream is closed
                    }
                    return Map.of("slow", "done");
                })
                .addEdge("a", "slow").setEntryPoint("a");
        CompiledGraph c = g.compile().withCheckpointer(new MemoryCheckpointer());

        try (Stream<GraphEvent> events = c.events("t", Map.of())) {
            var it = events.iterator();
            while (!(it.next() instanceof GraphEvent.NodeFinished)) {
                // read up to a's update
            }
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        }
        Threads.awaitNoneOfOurs();

        assertThat(c.state("t").orElseThrow().next()).containsExactly("slow");
        assertThat(last(c.resume("t", null))).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("slow", "done").containsEntry("a", 1));
    }

    private static GraphEvent last(Stream<GraphEvent> events) {
        try (events) {
            List<GraphEvent> all = events.toList();
            return all.get(all.size() - 1);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
