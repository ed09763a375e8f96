package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link WsConnection} without a container: frames land in a queue, the answers come from a controlled source. */
class WsConnectionTest {

    private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();

    private List<String> until(Predicate<String> last) throws InterruptedException {
        List<String> got = new ArrayList<>();
        while (true) {
            String f = frames.poll(5, TimeUnit.SECONDS);
            assertThat(f).as("a frame within 5 s after " + got).isNotNull();
            got.add(f);
            if (last.test(f)) {
                return got;
            }
        }
    }

    @Test
    void plainAnswersEachQuestionInOrderWithAFramePerTokenThenDone() throws Exception {
        try (WsConnection c = WsConnection.open("t1", WsProtocol.plain(q -> Stream.of(q, "!")), frames::add, 100)) {
            c.received("one");
            c.received("two");
            assertThat(until("[DONE]"::equals)).containsExactly("one", "!", "[DONE]");
            assertThat(until("[DONE]"::equals)).containsExactly("two", "!", "[DONE]");
        }
    }

    @Test
    void aCancelClosesTheRunningAnswerAndTheConnectionStaysUsable() throws Exception {
        ControlledSource<String> slow = new ControlledSource<>();
        List<Stream<String>> answers = List.of(slow.stream(), Stream.of("next"));
        int[] asked = {0};
        WsProtocol protocol = WsProtocol.structured(q -> answers.get(asked[0]++));
        try (WsConnection c = WsConnection.open("t2", protocol, frames::add, 100)) {
            c.received("{\"query\":\"a\",\"session_id\":\"s\"}");
            slow.offer("x");
            assertThat(until(f -> f.contains("token"))).containsExactly(
                    "{\"type\":\"token\",\"content\":\"x\",\"session_id\":\"s\"}");
            c.received("{\"type\":\"cancel\"}");
            assertThat(slow.closedLatch.await(1, TimeUnit.SECONDS)).as("the answer's stream was closed").isTrue();
            assertThat(until(f -> f.contains("cancelled"))).containsExactly(
                    "{\"type\":\"cancelled\",\"session_id\":\"s\"}");
            c.received("{\"query\":\"b\"}");
            assertThat(until(f -> f.contains("done"))).last().asString().contains("\"done\"");
        }
    }

    @Test
    void closingTheConnectionClosesTheRunningAnswer() throws Exception {
        ControlledSource<String> slow = new ControlledSource<>();
        WsConnection c = WsConnection.open("t3", WsProtocol.plain(q -> slow.stream()), frames::add, 100);
        c.received("q");
        slow.offer("x");
        assertThat(frames.poll(5, TimeUnit.SECONDS)).isEqualTo("x");
        c.close();
        assertThat(slow.closedLatch.await(1, TimeUnit.SECONDS)).as("the answer's stream was closed").isTrue();
    }

    @Test
    void badAndOversizedMessagesGetAnErrorFrameAndNeverReachTheAnswer() throws Exception {
        int[] asked = {0};
        WsProtocol protocol = WsProtocol.structured(q -> {
            asked[0]++;
            return Stream.of("ok");
        });
        try (WsConnection c = WsConnection.open("t4", protocol, frames::add, 16)) {
            c.received("not json");
            c.received("{\"query\":\"" + "x".repeat(20) + "\"}");
            c.received("{\"type\":\"dance\",\"query\":\"a\"}");
            c.received("{\"query\":\"   \"}");
            for (int i = 0; i < 4; i++) {
                assertThat(frames.poll(5, TimeUnit.SECONDS)).startsWith("{\"type\":\"error\"");
            }
            c.received("{\"query\":\"a\"}");
            assertThat(until(f -> f.contains("done"))).hasSize(2);
        }
        assertThat(asked[0]).isEqualTo(1);
    }

    @Test
    void aMessageInPartsIsJoinedAndOneOverTheLimitIsCountedDroppedAndAnsweredWithAnError() throws Exception {
        List<String> asked = new ArrayList<>();
        WsProtocol protocol = WsProtocol.plain(q -> {
            asked.add(q);
            return Stream.of("ok");
        });
        try (WsConnection c = WsConnection.open("t6", protocol, frames::add, 10)) {
            c.receivedPart("abc", false);
            c.receivedPart("", false);
            c.receivedPart("defghij", true); // exactly the limit
            assertThat(until("[DONE]"::equals)).containsExactly("ok", "[DONE]");

            for (int i = 0; i < 1_000; i++) { // 10,000 characters in all: counted, never held
                c.receivedPart("0123456789", false);
            }
            c.receivedPart("x", true);
            assertThat(until(f -> f.startsWith("[ERROR]")))
                    .containsExactly("[ERROR] message too large: 10001 characters, at most 10");

            c.receivedPart("k", true);
            assertThat(until("[DONE]"::equals)).containsExactly("ok", "[DONE]");
        }
        assertThat(asked).containsExactly("abcdefghij", "k");
    }

    @Test
    void aFailedSendStopsTheAnswer() throws Exception {
        ControlledSource<String> slow = new ControlledSource<>();
        WsConnection c = WsConnection.open("t5", WsProtocol.plain(q -> slow.stream()), text -> {
            throw new IOException("gone");
        }, 100);
        c.received("q");
        slow.offer("x");
        assertThat(slow.closedLatch.await(5, TimeUnit.SECONDS)).as("the answer's stream was closed").isTrue();
        c.close();
    }
}
