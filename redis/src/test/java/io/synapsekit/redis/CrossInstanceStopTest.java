package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stop sent to one server cancels the model call running on the other within a second: the mock model sees its
 * connection closed, and every client of the answer, on either server, receives {@code [DONE]}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossInstanceStopTest {

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
    void aStopSentToBCancelsTheModelCallOnAWithinASecond() throws Exception {
        try (HttpSse.Live onA = HttpSse.open(a.port(), "/stream?query=hold-stop", null)) {
            HttpSse.Event first = onA.next(10);
            assertThat(first.type()).isEqualTo("message");
            try (HttpSse.Live onB = HttpSse.open(b.port(), "/stream", first.lastId())) {
                assertThat(onB.status).isEqualTo(200);
                assertThat(onB.next(10).type()).as("B tails A's answer through Redis").isEqualTo("message");

                long sent = System.nanoTime();
                assertThat(HttpSse.stop(b.port(), first.lastId())).isEqualTo(202);

                assertThat(llm.closed("hold-stop").await(1, TimeUnit.SECONDS))
                        .as("the model saw its connection closed within a second").isTrue();
                long took = llm.closedAt("hold-stop") - sent;
                System.out.printf("stop via B closed the model call on A after %.1f ms%n", took / 1e6);
                assertThat(took).isLessThan(TimeUnit.SECONDS.toNanos(1));

                List<HttpSse.Event> restA = onA.rest(10);
                List<HttpSse.Event> restB = onB.rest(10);
                assertThat(restA).isNotEmpty().last().extracting(HttpSse.Event::data).isEqualTo("[DONE]");
                assertThat(restB).isNotEmpty().last().extracting(HttpSse.Event::data).isEqualTo("[DONE]");
                assertThat(restA).as("A").noneMatch(e -> e.type().equals("error"));
                assertThat(restB).as("B").noneMatch(e -> e.type().equals("error"));
            }
        }
        assertThat(llm.calls.get("hold-stop")).hasValue(1);
    }

    @Test
    void aStopOfAnIdThatIsNotOursIsRefused() throws Exception {
        assertThat(HttpSse.stop(b.port(), "no-dash-number")).isEqualTo(400);
    }
}
