package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two servers in one JVM, each with its own Redis buffer and connections, share a real redis-server. A client cut
 * at a random byte reconnects to the other server with {@code Last-Event-ID}: it gets the rest of the same answer,
 * nothing lost, repeated or reordered, and the model is called once per answer.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrossInstanceResumeTest {

    private static final long SEED = 25L;
    private static final int CASES = 1_000;
    private static final int PARALLEL = 8;

    private TwoNodes nodes;
    private RedisServer redis;
    private MockLlm llm;
    private SseNode a;
    private SseNode b;

    @BeforeEach
    void start() throws Exception {
        nodes = TwoNodes.start(Duration.ofSeconds(5));
        redis = nodes.redis;
        llm = nodes.llm;
        a = nodes.a;
        b = nodes.b;
    }

    @AfterEach
    void stop() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void aClientCutAtARandomByteResumesOnTheOtherServerWithNothingLostOrRepeated() throws Exception {
        // The whole body of one answer, to draw cut points from.
        int fullLength = HttpSse.ask(a.port(), "case-calibration", -1).bodyBytes();
        Random random = new Random(SEED);
        List<int[]> plan = new ArrayList<>(); // {case, first server (0 = a), cut}
        for (int i = 0; i < CASES; i++) {
            plan.add(new int[] {i, random.nextInt(2), random.nextInt(fullLength + 1)});
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger resumedMidAnswer = new AtomicInteger();
        AtomicInteger resumedAtStart = new AtomicInteger();
        AtomicInteger askedAgain = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().factory())) {
            List<Future<?>> done = new ArrayList<>();
            for (int[] c : plan) {
                done.add(pool.submit(() -> {
                    try {
                        String problem = runCase(c[0], c[1] == 0 ? a : b, c[1] == 0 ? b : a, c[2], resumedMidAnswer,
                                resumedAtStart, askedAgain);
                        if (problem != null) {
                            failures.add("case " + c[0] + " (cut at " + c[2] + "): " + problem);
                        }
                    } catch (Exception e) {
                        failures.add("case " + c[0] + " (cut at " + c[2] + "): " + e);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(240, TimeUnit.SECONDS);
            }
        }

        assertThat(failures).as("cases that lost, repeated or reordered events").isEmpty();
        for (int i = 0; i < CASES; i++) {
            assertThat(llm.calls.get("case-" + i)).as("model calls for case %d", i).hasValue(1);
        }
        assertThat(llm.calls.values()).as("model calls per prompt").allSatisfy(c -> assertThat(c).hasValue(1));
        assertThat(llm.total).as("model calls in all").hasValue(CASES + askedAgain.get() + 1);
        assertThat(resumedMidAnswer.get()).as("cases resumed in mid-answer on the other server").isPositive();
        assertThat(resumedAtStart.get()).as("cases cut before the first token").isPositive();
        System.out.printf("cross-instance resume: %d cases, %d resumed in mid-answer, %d resumed before the first"
                + " token, %d cut inside the opening block (no id yet: asked again), %d model calls%n", CASES,
                resumedMidAnswer.get(), resumedAtStart.get(), askedAgain.get(), llm.total.get());
    }

    /** Returns what went wrong, or null. */
    private static String runCase(int n, SseNode first, SseNode second, int cut, AtomicInteger mid,
            AtomicInteger atStart, AtomicInteger again) throws Exception {
        String prompt = "case-" + n;
        HttpSse.Received part1 = HttpSse.ask(first.port(), prompt, cut);
        if (part1.lastId() == null) {
            // Cut inside the opening block: the client holds no id, so no answer was ever its own. An EventSource
            // then sends the question again; that answer (another prompt, so that every prompt counts one call)
            // must arrive whole from the other server, and the abandoned one is cancelled after the grace.
            again.incrementAndGet();
            prompt = prompt + "-again";
            part1 = HttpSse.ask(second.port(), prompt, -1);
        }
        List<HttpSse.Event> events = new ArrayList<>(part1.events());
        if (!part1.done()) {
            HttpSse.Received part2 = HttpSse.resume(second.port(), part1.lastId(), -1);
            if (part2.status() != 200) {
                return "resume with " + part1.lastId() + " got " + part2.status();
            }
            (part1.events().isEmpty() ? atStart : mid).incrementAndGet();
            events.addAll(part2.events());
        }
        List<String> expected = new ArrayList<>();
        MockLlm.tokens(prompt).forEach(t -> expected.add(t));
        expected.add("[DONE]");
        List<String> got = events.stream().map(e -> e.type().equals("message") ? e.data() : e.type() + ":"
                + e.data()).toList();
        if (!got.equals(expected)) {
            return "expected " + expected + " got " + got;
        }
        String stream = events.get(0).lastId().substring(0, events.get(0).lastId().lastIndexOf('-'));
        for (int i = 0; i < events.size(); i++) {
            if (!events.get(i).lastId().equals(stream + "-" + (i + 1))) {
                return "event " + (i + 1) + " has id " + events.get(i).lastId();
            }
        }
        return null;
    }

}
