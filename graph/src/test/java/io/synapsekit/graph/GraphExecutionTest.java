package io.synapsekit.graph;

import static io.synapsekit.graph.Threads.ordered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Running graphs: merging, reducers, fan-out, routing, cycles, failures. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GraphExecutionTest {

    @AfterEach
    void noThreadOutlivesTheTest() throws InterruptedException {
        Threads.awaitNoneOfOurs();
    }

    @Test
    void invokeReturnsTheFinalStateAndNodesSeeAnUnmodifiableSnapshot() {
        List<Object> seen = new ArrayList<>();
        StateGraph g = new StateGraph()
                .addNode("a", s -> ordered("x", 1))
                .addNode("b", s -> {
                    seen.add(s.get("x"));
                    assertThatThrownBy(() -> s.put("y", 2)).isInstanceOf(UnsupportedOperationException.class);
                    return null;
                })
                .addEdge("a", "b").setEntryPoint("a").setFinishPoint("b");
        Map<String, Object> input = new java.util.HashMap<>(Map.of("in", "v"));
        assertThat(g.compile().invoke(input)).containsExactly(Map.entry("in", "v"), Map.entry("x", 1));
        assertThat(seen).containsExactly(1);
        assertThat(input).as("input untouched").containsOnlyKeys("in");
    }

    @Test
    void invokeRunsOnAVirtualThreadOfItsOwn() {
        Thread caller = Thread.currentThread();
        CompiledGraph g = new StateGraph()
                .addNode("where", s -> ordered("virtual", Thread.currentThread().isVirtual(),
                        "caller", Thread.currentThread() == caller))
                .setEntryPoint("where").compile();

        assertThat(g.invoke(Map.of())).containsEntry("virtual", true).containsEntry("caller", false);
    }

    @Test
    void interruptingInvokeCancelsTheRunAndWaitsForIt() throws Exception {
        CountDownLatch nodeRunning = new CountDownLatch(1);
        CountDownLatch nodeEnded = new CountDownLatch(1);
        CompiledGraph g = new StateGraph()
                .addNode("slow", s -> {
                    nodeRunning.countDown();
                    try {
                        new CountDownLatch(1).await();   // until interrupted
                        return Map.of();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("interrupted", e);
                    } finally {
                        nodeEnded.countDown();
                    }
                })
                .setEntryPoint("slow").compile();
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(2);
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(g.invoke(Map.of()));
            } catch (GraphException e) {
                outcome.add(e);
                outcome.add(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(nodeRunning.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();

        assertThat(outcome.poll(10, TimeUnit.SECONDS)).isInstanceOf(GraphException.class);
        assertThat(outcome.poll(10, TimeUnit.SECONDS)).as("interrupt flag kept").isEqualTo(true);
        assertThat(nodeEnded.getCount()).as("the node's thread ended before invoke returned").isZero();
    }

    @Test
    void reducersMergePerKeyAndLastWriteWinsOtherwise() {
        StateGraph g = new StateGraph()
                .addNode("a", s -> ordered("log", "a", "last", "a"))
                .addNode("b", s -> ordered("log", List.of("b1", "b2"), "last", "b"))
                .addEdge("a", "b").setEntryPoint("a").setFinishPoint("b")
                .reducer("log", StateGraph.appendToList());
        Map<String, Object> out = g.compile().invoke(Map.of());
        assertThat(out.get("log")).isEqualTo(List.of("a", "b1", "b2"));
        assertThat(out.get("last")).isEqualTo("b");
    }

    @Test
    void fanOutBranchesRunConcurrentlyAndMergeInDeclarationOrder() {
        CyclicBarrier bothRunning = new CyclicBarrier(2);
        Node waitsForTheOther = s -> {
            bothRunning.await(5, TimeUnit.SECONDS); // only passes if the branches overlap in time
            return null;
        };
        StateGraph g = new StateGraph()
                .addNode("split", s -> null)
                .addNode("left", s -> {
                    waitsForTheOther.apply(s);
                    return ordered("log", "left", "winner", "left");
                })
                .addNode("right", s -> {
                    waitsForTheOther.apply(s);
                    return ordered("log", "right", "winner", "right");
                })
                .addNode("join", s -> ordered("joined", s.get("log")))
                .addEdge("split", "left").addEdge("split", "right")
                .addEdge("left", "join").addEdge("right", "join")
                .setEntryPoint("split").setFinishPoint("join")
                .reducer("log", StateGraph.appendToList());
        CompiledGraph compiled = g.compile();
        for (int run = 0; run < 20; run++) {
            Map<String, Object> out = compiled.invoke(Map.of());
            assertThat(out.get("log")).as("run %d", run).isEqualTo(List.of("left", "right"));
            assertThat(out.get("winner")).as("declaration order, not finish order").isEqualTo("right");
            assertThat(out.get("joined")).as("join runs once, after both").isEqualTo(List.of("left", "right"));
        }
    }

    @Test
    void updatesStreamAsEachNodeFinishesNotWhenItsWaveEnds() throws Exception {
        CountDownLatch releaseSlow = new CountDownLatch(1);
        StateGraph g = new StateGraph()
                .addNode("split", s -> null)
                .addNode("fast", s -> ordered("fast", true))
                .addNode("slow", s -> {
                    assertThat(releaseSlow.await(10, TimeUnit.SECONDS)).isTrue();
                    return ordered("slow", true);
                })
                .addEdge("split", "slow").addEdge("split", "fast")
                .setEntryPoint("split").setFinishPoint("fast").setFinishPoint("slow");
        try (Stream<NodeUpdate> s = g.compile().stream(Map.of())) {
            Iterator<NodeUpdate> it = s.iterator();
            assertThat(it.next().node()).isEqualTo("split");
            NodeUpdate fast = it.next();
            assertThat(fast.node()).as("arrives while 'slow' is still blocked").isEqualTo("fast");
            assertThat(fast.state()).containsOnlyKeys("fast");
            releaseSlow.countDown();
            NodeUpdate slow = it.next();
            assertThat(slow.node()).isEqualTo("slow");
            assertThat(slow.state()).as("finish-order view of the wave").containsOnlyKeys("fast", "slow");
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void conditionalEdgesRouteThroughTheMapping() {
        StateGraph g = new StateGraph()
                .addNode("classify", s -> ordered("kind", s.get("input").toString().endsWith("?") ? "q" : "s"))
                .addNode("answer", s -> ordered("out", "answered"))
                .addNode("echo", s -> ordered("out", "echoed"))
                .addConditionalEdges("classify", s -> (String) s.get("kind"), Map.of("q", "answer", "s", "echo"))
                .setEntryPoint("classify").setFinishPoint("answer").setFinishPoint("echo");
        CompiledGraph c = g.compile();
        assertThat(c.invoke(Map.of("input", "why?"))).containsEntry("out", "answered");
        assertThat(c.invoke(Map.of("input", "hi"))).containsEntry("out", "echoed");
    }

    @Test
    void anUnknownRouteKeyIsAnErrorNamingTheNodeAndTheKey() {
        StateGraph g = new StateGraph()
                .addNode("classify", s -> ordered("kind", "maybe"))
                .addNode("yes", s -> null)
                .addConditionalEdges("classify", s -> (String) s.get("kind"), ordered("y", "yes", "n", StateGraph.END)
                        .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                e -> (String) e.getValue(), (a, b) -> a, java.util.LinkedHashMap::new)))
                .setEntryPoint("classify").setFinishPoint("yes");
        assertThatThrownBy(() -> g.compile().invoke(Map.of()))
                .isInstanceOfSatisfying(UnknownRouteException.class, e -> {
                    assertThat(e.route()).contains("maybe");
                    assertThat(e.node()).contains("classify");
                    assertThat(e.state()).containsEntry("kind", "maybe");
                })
                .hasMessage("node 'classify' routed to unknown key 'maybe'; known: [y, n]");
    }

    @Test
    void anUnknownNodeNameFromARouterIsAnErrorToo() {
        StateGraph g = new StateGraph().addNode("a", s -> null).addConditionalEdges("a", s -> "nope")
                .setEntryPoint("a");
        assertThatThrownBy(() -> g.compile().invoke(Map.of())).isInstanceOf(UnknownRouteException.class)
                .hasMessage("node 'a' routed to unknown key 'nope'; known: [a, StateGraph.END]");

        StateGraph none = new StateGraph().addNode("a", s -> null).addConditionalEdges("a", s -> null)
                .setEntryPoint("a");
        assertThatThrownBy(() -> none.compile().invoke(Map.of())).isInstanceOfSatisfying(
                UnknownRouteException.class, e -> assertThat(e.route()).as("the router returned null").isEmpty())
                .hasMessage("node 'a' routed to unknown key null; known: [a, StateGraph.END]");
    }

    @Test
    void cyclesRunUntilTheRouterExits() {
        StateGraph g = new StateGraph()
                .addNode("inc", s -> ordered("n", ((Integer) s.getOrDefault("n", 0)) + 1))
                .addConditionalEdges("inc", s -> ((Integer) s.get("n")) < 5 ? "inc" : StateGraph.END)
                .setEntryPoint("inc");
        assertThat(g.compile().invoke(Map.of())).containsEntry("n", 5);
    }

    @Test
    void theStepLimitStopsAnEndlessCycleNamingTheRecentPath() {
        StateGraph g = new StateGraph()
                .addNode("ping", s -> ordered("n", ((Integer) s.getOrDefault("n", 0)) + 1))
                .addNode("pong", s -> null)
                .addEdge("ping", "pong")
                // A loop that could end but, with this state, never does: only the step limit stops it.
                .addConditionalEdges("pong", s -> "again", Map.of("again", "ping", "stop", StateGraph.END))
                .setEntryPoint("ping").stepLimit(5);
        assertThatThrownBy(() -> g.compile().invoke(Map.of()))
                .isInstanceOfSatisfying(StepLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo(5);
                    assertThat(e.recentPath()).containsExactly("ping", "pong", "ping", "pong", "ping");
                    assertThat(e.state()).containsEntry("n", 3);
                })
                .hasMessage("step limit of 5 waves reached before running 'pong'; recent path: "
                        + "ping -> pong -> ping -> pong -> ping; raise it with StateGraph.stepLimit(n) if the loop is meant");
    }

    @Test
    void theDefaultStepLimitIs100Waves() {
        StateGraph g = new StateGraph().addNode("loop", s -> null).setEntryPoint("loop")
                .addConditionalEdges("loop", s -> "loop", Map.of("loop", "loop", "stop", StateGraph.END));
        assertThatThrownBy(() -> g.compile().invoke(Map.of()))
                .isInstanceOfSatisfying(StepLimitException.class, e -> assertThat(e.limit()).isEqualTo(100));
    }

    @Test
    void aFailingNodeEndsTheRunNamingItAndKeepingTheStateSoFar() {
        StateGraph g = new StateGraph()
                .addNode("fetch", s -> ordered("data", "ok"))
                .addNode("parse", s -> {
                    throw new java.io.IOException("bad bytes");
                })
                .addEdge("fetch", "parse").setEntryPoint("fetch").setFinishPoint("parse");
        assertThatThrownBy(() -> g.compile().invoke(Map.of()))
                .isInstanceOfSatisfying(NodeFailedException.class, e -> {
                    assertThat(e.node()).contains("parse");
                    assertThat(e.state()).containsEntry("data", "ok");
                    assertThat(e.getCause()).hasMessage("bad bytes");
                })
                .hasMessage("node 'parse' failed: java.io.IOException: bad bytes");
    }

    @Test
    void theStreamDeliversEverythingBeforeAFailureThenThrows() {
        StateGraph g = new StateGraph()
                .addNode("one", s -> ordered("a", 1))
                .addNode("two", s -> ordered("b", 2))
                .addNode("boom", s -> {
                    throw new IllegalStateException("kaput");
                })
                .addEdge("one", "two").addEdge("two", "boom").setEntryPoint("one").setFinishPoint("boom");
        List<String> got = new ArrayList<>();
        try (Stream<NodeUpdate> s = g.compile().stream(Map.of())) {
            assertThatThrownBy(() -> s.forEach(u -> got.add(u.node())))
                    .isInstanceOfSatisfying(NodeFailedException.class, e -> assertThat(e.state())
                            .containsExactly(Map.entry("a", 1), Map.entry("b", 2)));
        }
        assertThat(got).containsExactly("one", "two");
    }

    @Test
    void theEventStreamEndsWithFailedInsteadOfThrowing() {
        StateGraph g = new StateGraph()
                .addNode("one", s -> ordered("a", 1))
                .addNode("boom", s -> {
                    throw new IllegalStateException("kaput");
                })
                .addEdge("one", "boom").setEntryPoint("one").setFinishPoint("boom");
        List<GraphEvent> events;
        try (Stream<GraphEvent> s = g.compile().events(Map.of())) {
            events = s.toList();
        }
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).isEqualTo(new GraphEvent.NodeStarted("one"));
        assertThat(events.get(1)).isInstanceOfSatisfying(GraphEvent.NodeFinished.class,
                f -> assertThat(f.update().update()).isEqualTo(Map.of("a", 1)));
        assertThat(events.get(2)).isEqualTo(new GraphEvent.NodeStarted("boom"));
        assertThat(events.get(3)).isInstanceOfSatisfying(GraphEvent.Failed.class, f -> {
            assertThat(f.node()).isEqualTo("boom");
            assertThat(f.error()).isInstanceOf(NodeFailedException.class).hasRootCauseMessage("kaput");
        });
    }

    @Test
    void theEventStreamEndsWithDone() {
        StateGraph g = new StateGraph().addNode("a", s -> ordered("k", "v")).setEntryPoint("a").setFinishPoint("a");
        List<GraphEvent> events;
        try (Stream<GraphEvent> s = g.compile().events(Map.of("in", 0))) {
            events = s.toList();
        }
        assertThat(events).last().isEqualTo(new GraphEvent.Done(ordered("in", 0, "k", "v")));
    }

    @Test
    void aFailingBranchFailsItsWave() {
        StateGraph g = new StateGraph()
                .addNode("split", s -> ordered("s", 1))
                .addNode("ok", s -> ordered("ok", 1))
                .addNode("bad", s -> {
                    throw new IllegalArgumentException("nope");
                })
                .addEdge("split", "ok").addEdge("split", "bad")
                .setEntryPoint("split").setFinishPoint("ok").setFinishPoint("bad");
        assertThatThrownBy(() -> g.compile().invoke(Map.of()))
                .isInstanceOfSatisfying(NodeFailedException.class, e -> {
                    assertThat(e.node()).contains("bad");
                    assertThat(e.state()).containsExactly(Map.entry("s", 1));
                });
    }

    @Test
    void interruptingInvokeCancelsTheRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
        StateGraph g = new StateGraph().addNode("wait", s -> {
            started.countDown();
            new CountDownLatch(1).await();
            return null;
        }).setEntryPoint("wait").setFinishPoint("wait");
        CompiledGraph c = g.compile();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                c.invoke(Map.of());
                outcome.add("finished?");
            } catch (GraphException e) {
                outcome.add(e.getMessage() + " / interrupted=" + Thread.currentThread().isInterrupted());
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo("run cancelled at node 'wait' / interrupted=true");
    }
}
