package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults end typed, never hang: Redis lost mid-stream (killed, or frozen with its connections open), Redis
 * restarted, a producer JVM killed. (Redis unreachable at
 * start-up: {@link RedisSseReplayBufferTest#redisUnreachableAtTheStartFailsFastNamingTheAddress}.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisFaultsTest {

    private TwoNodes nodes;
    private RedisServer redis;
    private MockLlm llm;
    private SseNode a;
    private SseNode b;

    @BeforeEach
    void start() throws Exception {
        nodes = TwoNodes.start(Duration.ofSeconds(2));
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
    void redisLostMidStreamEndsReadersElsewhereWithAnErrorWhileTheProducersOwnClientGoesOn() throws Exception {
        try (HttpSse.Live onA = HttpSse.open(a.port(), "/stream?query=hold-lost", null)) {
            HttpSse.Event first = onA.next(10);
            try (HttpSse.Live onB = HttpSse.open(b.port(), "/stream", first.lastId())) {
                assertThat(onB.next(10).type()).isEqualTo("message");

                redis.kill();
                long killed = System.nanoTime();

                List<HttpSse.Event> restB = onB.rest(10);
                System.out.printf("Redis killed: the reader on B ended after %.1f ms%n",
                        (System.nanoTime() - killed) / 1e6);
                assertThat(restB).extracting(HttpSse.Event::type).contains("error");
                HttpSse.Event error = restB.stream().filter(e -> e.type().equals("error")).findFirst().orElseThrow();
                assertThat(error.data()).contains("Redis at " + redis.uri())
                        .contains("unreachable");
                assertThat(restB.get(restB.size() - 1).data()).isEqualTo("[DONE]");

                // A's own client keeps receiving the answer from A's memory.
                for (int i = 0; i < 5; i++) {
                    assertThat(onA.next(10).type()).isEqualTo("message");
                }
                assertThat(a.sse.stop(first.lastId())).isTrue(); // produced on A: stops without Redis
                assertThat(llm.closed("hold-lost").await(5, TimeUnit.SECONDS)).isTrue();
                List<HttpSse.Event> restA = onA.rest(10);
                assertThat(restA).extracting(HttpSse.Event::type).doesNotContain("error");
                assertThat(restA.get(restA.size() - 1).data()).isEqualTo("[DONE]");
            }
        }
        assertThat(llm.calls.get("hold-lost")).hasValue(1);
    }

    @Test
    void aFrozenRedisEndsReadersElsewhereWithAnErrorInsteadOfAHang() throws Exception {
        try (HttpSse.Live onA = HttpSse.open(a.port(), "/stream?query=hold-frozen", null)) {
            HttpSse.Event first = onA.next(10);
            try (HttpSse.Live onB = HttpSse.open(b.port(), "/stream", first.lastId())) {
                assertThat(onB.next(10).type()).isEqualTo("message");

                redis.freeze();
                long frozen = System.nanoTime();
                try {
                    List<HttpSse.Event> restB = onB.rest(20);
                    System.out.printf("Redis frozen: the reader on B ended after %.1f ms%n",
                            (System.nanoTime() - frozen) / 1e6);
                    assertThat(restB).extracting(HttpSse.Event::type).contains("error");
                    assertThat(restB.get(restB.size() - 1).data()).isEqualTo("[DONE]");
                    // A's own client goes on from memory once A's write to Redis has timed out.
                    for (int i = 0; i < 3; i++) {
                        assertThat(onA.next(20).type()).isEqualTo("message");
                    }
                    assertThat(a.sse.stop(first.lastId())).isTrue();
                    assertThat(onA.rest(20)).last().extracting(HttpSse.Event::data).isEqualTo("[DONE]");
                } finally {
                    redis.thaw();
                }
            }
        }
    }

    @Test
    void afterARedisRestartNewAnswersResumeAcrossServersAgain() throws Exception {
        HttpSse.Received before = HttpSse.ask(a.port(), "case-before", -1);
        assertThat(before.done()).isTrue();
        redis.restart();

        HttpSse.Received part1 = HttpSse.ask(a.port(), "case-after", 300);
        assertThat(part1.lastId()).isNotNull();
        HttpSse.Received part2 = HttpSse.resume(b.port(), part1.lastId(), -1);
        assertThat(part2.status()).isEqualTo(200);
        List<String> got = new java.util.ArrayList<>();
        part1.events().forEach(e -> got.add(e.data()));
        part2.events().forEach(e -> got.add(e.data()));
        List<String> expected = new java.util.ArrayList<>(MockLlm.tokens("case-after"));
        expected.add("[DONE]");
        assertThat(got).isEqualTo(expected);

        HttpSse.Received old = HttpSse.resume(b.port(), before.events().get(0).lastId(), -1);
        assertThat(old.status()).as("Redis lost the old answer: nothing to resume on B").isEqualTo(204);
    }

    @Test
    void aKilledProducerJvmEndsReadersOnOtherServersWithAnError() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", classPath, ProducerMain.class.getName(),
                redis.uri().toString(), "killed").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(16);
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.offer(line);
                    }
                } catch (java.io.IOException e) {
                    // the child is gone
                }
            });
            assertThat(lines.poll(30, TimeUnit.SECONDS)).as("the child producer started").isEqualTo("ready");

            try (HttpSse.Live onB = HttpSse.open(b.port(), "/stream", "killed-0")) {
                assertThat(onB.next(10).data()).isEqualTo("one");
                child.destroyForcibly();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
                long killed = System.nanoTime();

                List<HttpSse.Event> rest = onB.rest(10);
                System.out.printf("producer JVM killed: the reader on B ended after %.1f ms%n",
                        (System.nanoTime() - killed) / 1e6);
                assertThat(rest).extracting(HttpSse.Event::type).containsExactly("error", "message");
                assertThat(rest.get(0).data()).contains("went away");
                assertThat(rest.get(1).data()).isEqualTo("[DONE]");
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
