package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link Checkpointer} passes: put, get, head and history; pending writes; forks;
 * optimistic version conflicts, concurrent ones included; deletion; a graph run resumed mid-wave through it; and
 * a time to live where the store has one. Published in graph's test jar: a checkpointer's test extends it and
 * says how to make one, nothing else.
 *
 * <p>Each test uses threads of its own (random ids), so a subclass may share one store across tests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class CheckpointerContract {

    /** Returns the checkpointer under test; called once per test. */
    protected abstract Checkpointer checkpointer();

    /** Returns whether {@link #checkpointerWithTtl} is supported: the store forgets idle threads. */
    protected boolean supportsTtl() {
        return false;
    }

    /** Returns a checkpointer that forgets a thread idle for {@code ttl}, reading the time from {@code clock}. */
    protected Checkpointer checkpointerWithTtl(Duration ttl, Clock clock) {
        throw new UnsupportedOperationException("no time to live");
    }

    private static String thread() {
        return "thread-" + UUID.randomUUID();
    }

    private static Map<String, @Nullable Object> state(Object... kv) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Checkpoint checkpoint(String thread, long version, @Nullable Checkpoint parent,
            Map<String, @Nullable Object> state, List<String> next) {
        return new Checkpoint(thread, UUID.randomUUID().toString(), parent == null ? null : parent.id(), version,
                (int) version - 1, state, next, Map.of(), null, Map.of(),
                Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version));
    }

    @Test
    public void aStoredCheckpointReadsBackAsItWasWritten() {
        Checkpointer cp = checkpointer();
        String t = thread();
        Map<String, @Nullable Object> nested = state("list", List.of(1, "two", 3.5), "map", state("k", true),
                "nothing", null, "big", 12345678901L, "text", "ünï \"quoted\"\n");
        Checkpoint c = new Checkpoint(t, "first", null, 1, 0, nested, List.of("b", "c"),
                Map.of("b", state("out", 1)), new Checkpoint.Pause("c", Checkpoint.PauseKind.ASK, state("q", "?")),
                Map.of("c", List.of("yes")), Instant.parse("2026-01-01T00:00:00.123Z"));

        cp.put(c);

        assertThat(cp.head(t)).contains(c);
        assertThat(cp.get(t, "first")).contains(c);
        assertThat(cp.get(t, "other")).isEmpty();
        assertThat(cp.head(thread())).isEmpty();
        assertThat(cp.history(thread(), 10)).isEmpty();
    }

    @Test
    public void historyIsNewestFirstAndHonoursTheLimit() {
        Checkpointer cp = checkpointer();
        String t = thread();
        List<Checkpoint> stored = new ArrayList<>();
        Checkpoint parent = null;
        for (int v = 1; v <= 5; v++) {
            parent = checkpoint(t, v, parent, state("v", v), List.of("n"));
            cp.put(parent);
            stored.add(0, parent);
        }

        assertThat(cp.history(t, 100)).containsExactlyElementsOf(stored);
        assertThat(cp.history(t, 2)).containsExactly(stored.get(0), stored.get(1));
        assertThat(cp.history(t, 0)).isEmpty();
        assertThat(cp.head(t)).contains(stored.get(0));
    }

    @Test
    public void aCheckpointThatIsNotTheNextVersionIsAConflict() {
        Checkpointer cp = checkpointer();
        String t = thread();
        Checkpoint first = checkpoint(t, 1, null, state(), List.of("a"));
        cp.put(first);

        assertThatThrownBy(() -> cp.put(checkpoint(t, 1, null, state("x", 1), List.of("a"))))
                .isInstanceOfSatisfying(CheckpointConflictException.class, e -> {
                    assertThat(e.threadId()).isEqualTo(t);
                    assertThat(e.version()).isEqualTo(1);
                });
        assertThatThrownBy(() -> cp.put(checkpoint(t, 3, first, state(), List.of("a"))))
                .isInstanceOf(CheckpointConflictException.class);
        assertThatThrownBy(() -> cp.put(checkpoint(thread(), 2, null, state(), List.of("a"))))
                .as("a new thread starts at version 1").isInstanceOf(CheckpointConflictException.class);
        assertThat(cp.head(t)).contains(first);
        assertThat(cp.history(t, 10)).hasSize(1);
    }

    @Test
    public void ofConcurrentPutsOfOneVersionExactlyOneWins() throws Exception {
        Checkpointer cp = checkpointer();
        String t = thread();
        Checkpoint first = checkpoint(t, 1, null, state(), List.of("a"));
        cp.put(first);
        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Checkpoint> won = new CopyOnWriteArrayList<>();
        AtomicInteger conflicts = new AtomicInteger();
        List<Throwable> other = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            Checkpoint mine = checkpoint(t, 2, first, state("racer", i), List.of("b"));
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    cp.put(mine);
                    won.add(mine);
                } catch (CheckpointConflictException e) {
                    conflicts.incrementAndGet();
                } catch (Throwable e) {
                    other.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }

        assertThat(other).isEmpty();
        assertThat(won).hasSize(1);
        assertThat(conflicts).hasValue(racers - 1);
        assertThat(cp.head(t)).contains(won.get(0));
    }

    @Test
    public void pendingWritesAttachToTheirCheckpointAndReplaceByNode() {
        Checkpointer cp = checkpointer();
        String t = thread();
        Checkpoint first = checkpoint(t, 1, null, state(), List.of("a"));
        cp.put(first);
        Checkpoint second = checkpoint(t, 2, first, state("a", 1), List.of("b", "c", "d"));
        cp.put(second);

        cp.putWrite(t, second.id(), "b", state("b", List.of(1, 2)));
        cp.putWrite(t, second.id(), "d", state("d", "first"));
        cp.putWrite(t, second.id(), "d", state("d", "second"));

        Checkpoint head = cp.head(t).orElseThrow();
        assertThat(head.writes()).containsOnlyKeys("b", "d");
        assertThat(head.writes().get("b")).isEqualTo(state("b", List.of(1, 2)));
        assertThat(head.writes().get("d")).isEqualTo(state("d", "second"));
        assertThat(cp.get(t, second.id()).orElseThrow().writes()).isEqualTo(head.writes());
        assertThat(cp.get(t, first.id()).orElseThrow().writes()).isEmpty();
        assertThat(cp.history(t, 1).get(0).writes()).isEqualTo(head.writes());
        assertThatThrownBy(() -> cp.putWrite(t, "no-such-checkpoint", "b", state()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no-such-checkpoint");
    }

    @Test
    public void aForkIsANewHeadWhoseParentIsTheOlderCheckpoint() {
        Checkpointer cp = checkpointer();
        String t = thread();
        Checkpoint v1 = checkpoint(t, 1, null, state("n", 1), List.of("a"));
        Checkpoint v2 = checkpoint(t, 2, v1, state("n", 2), List.of("b"));
        cp.put(v1);
        cp.put(v2);

        Checkpoint fork = checkpoint(t, 3, v1, v1.state(), v1.next());
        cp.put(fork);

        assertThat(cp.head(t)).contains(fork);
        assertThat(cp.head(t).orElseThrow().parentId()).isEqualTo(v1.id());
        assertThat(cp.history(t, 10)).extracting(Checkpoint::id).containsExactly(fork.id(), v2.id(), v1.id());
    }

    @Test
    public void deletingAThreadForgetsItAndNoOther() {
        Checkpointer cp = checkpointer();
        String gone = thread();
        String kept = thread();
        cp.put(checkpoint(gone, 1, null, state(), List.of("a")));
        Checkpoint k = checkpoint(kept, 1, null, state(), List.of("a"));
        cp.put(k);

        cp.delete(gone);
        cp.delete(thread());

        assertThat(cp.head(gone)).isEmpty();
        assertThat(cp.history(gone, 10)).isEmpty();
        assertThat(cp.head(kept)).contains(k);
        cp.put(checkpoint(gone, 1, null, state("again", true), List.of()));
        assertThat(cp.head(gone).orElseThrow().state()).containsEntry("again", true);
    }

    @Test
    public void aGraphRunStoppedMidWaveResumesThroughThisCheckpointer() {
        Checkpointer cp = checkpointer();
        String t = thread();
        AtomicInteger cRuns = new AtomicInteger();
        AtomicInteger bRuns = new AtomicInteger();
        AtomicReference<String> cAnswer = new AtomicReference<>();
        CompiledGraph graph = new StateGraph()
                .addNode("a", s -> Map.of("log", "a"))
                .addNode("b", s -> {
                    bRuns.incrementAndGet();
                    return Map.of("log", "b");
                })
                .addNode("c", s -> {
                    if (cRuns.incrementAndGet() == 1) {
                        throw new IllegalStateException("crash stand-in");
                    }
                    cAnswer.set(String.valueOf(Interrupt.ask("ok?")));
                    return Map.of("log", "c");
                })
                .addNode("d", s -> Map.of("done", s.get("log")))
                .addEdge("a", "b").addEdge("a", "c").addEdge("b", "d").addEdge("c", "d")
                .reducer("log", StateGraph.appendToList())
                .setEntryPoint("a").compile().withCheckpointer(cp);

        assertThatThrownBy(() -> graph.invoke(t, Map.of())).isInstanceOf(NodeFailedException.class);
        assertThat(cp.head(t).orElseThrow().writes()).containsOnlyKeys("b");
        assertThat(graph.resume(t, null).toList().getLast()).isInstanceOf(GraphEvent.Interrupted.class);
        List<GraphEvent> end = graph.resume(t, "yes").toList();

        assertThat(end.getLast()).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("done", List.of("a", "b", "c")));
        assertThat(bRuns).hasValue(1);
        assertThat(cAnswer).hasValue("yes");
        assertThat(graph.history(t).get(0).resumable()).isFalse();
    }

    @Test
    public void anIdleThreadOutlivesNoTimeToLive() {
        Assumptions.assumeTrue(supportsTtl(), "this checkpointer has no time to live");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Checkpointer cp = checkpointerWithTtl(Duration.ofMinutes(10), clock);
        String idle = thread();
        String busy = thread();
        cp.put(checkpoint(idle, 1, null, state(), List.of("a")));
        Checkpoint b1 = checkpoint(busy, 1, null, state(), List.of("a"));
        cp.put(b1);

        clock.advance(Duration.ofMinutes(9));
        cp.put(checkpoint(busy, 2, b1, state(), List.of("b")));
        assertThat(cp.head(idle)).isPresent();
        clock.advance(Duration.ofMinutes(2));

        assertThat(cp.head(idle)).isEmpty();
        assertThat(cp.history(idle, 10)).isEmpty();
        assertThat(cp.head(busy)).isPresent();
        cp.put(checkpoint(idle, 1, null, state(), List.of("a")));
        assertThat(cp.head(idle)).isPresent();
    }

    /** A clock a test moves by hand. */
    public static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        public MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        public void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
