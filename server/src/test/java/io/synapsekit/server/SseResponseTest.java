package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.sse.SseEvent;
import io.synapsekit.stream.QueueTokenBridge;
import io.synapsekit.testing.LiveThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** SseResponse: headers, framing, ids, keep-alives, errors, [DONE], and what a client going away does. */
class SseResponseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void sendsTheHeadersEveryTokenWithAnIdAndDoneLast() {
        TestSink sink = new TestSink();
        SseOutcome outcome = SseResponse.create().streamTokens(sink,
                Stream.of("Retrieval", "-Aug", "line one\nline two", "[DONE] is not the end", "data: x\n\nid: 9"));

        assertThat(outcome).isEqualTo(SseOutcome.COMPLETED);
        assertThat(sink.headers).containsEntry("Content-Type", "text/event-stream; charset=utf-8")
                .containsEntry("Cache-Control", "no-cache").containsEntry("X-Accel-Buffering", "no");
        List<SseEvent> events = sink.events();
        assertThat(events).extracting(SseEvent::data).containsExactly("Retrieval", "-Aug", "line one\nline two",
                "[DONE] is not the end", "data: x\n\nid: 9", "[DONE]");
        assertThat(events).extracting(SseEvent::id).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(events).extracting(SseEvent::event).containsOnly("message");
        assertThat(sink.closed()).isTrue();
    }

    @Test
    void sendsNoDoneWhenToldNotTo() {
        TestSink sink = new TestSink();
        SseResponse.builder().sendDone(false).build().stream(sink, Stream.of(SseEvent.message("{\"a\":1}")));

        assertThat(sink.text()).isEqualTo("id: 1\ndata: {\"a\":1}\n\n");
        assertThat(sink.closed()).isTrue();
    }

    @Test
    void keepsASourcesOwnDoneAndIdsAndDropsItsComments() {
        TestSink sink = new TestSink();
        SseResponse.create().stream(sink, Stream.of(SseEvent.of("node", "{}").withId("a"), SseEvent.comment("x"),
                SseEvent.message("[DONE]").withId("b")));

        assertThat(sink.text()).isEqualTo("event: node\nid: a\ndata: {}\n\nid: b\ndata: [DONE]\n\n");
    }

    @Test
    void sendsKeepAlivesWhileTheModelIsSilent() throws Exception {
        TestSink sink = new TestSink();
        ControlledSource<String> source = new ControlledSource<>();
        SseResponse sse = SseResponse.builder().keepAlive(Duration.ofMillis(20)).build();
        Thread server = Thread.ofVirtual().start(() -> sse.streamTokens(sink, source.stream()));

        sink.await(t -> t.contains(": keep-alive\n\n"), WAIT);
        source.offer("late");
        source.end();
        server.join(WAIT);

        assertThat(sink.events()).extracting(SseEvent::data).containsExactly("late", "[DONE]");
    }

    @Test
    void aFailingSourceEndsWithAnErrorEventThenDone() {
        TestSink sink = new TestSink();
        ControlledSource<String> source = new ControlledSource<>();
        source.offer("partial");
        source.fail(new IllegalStateException("provider said \"no\"\nat line 2"));

        SseOutcome outcome = SseResponse.create().streamTokens(sink, source.stream());

        assertThat(outcome).isEqualTo(SseOutcome.FAILED);
        List<SseEvent> events = sink.events();
        assertThat(events).extracting(SseEvent::event).containsExactly("message", "error", "message");
        assertThat(events.get(1).data()).isEqualTo("{\"message\":\"provider said \\\"no\\\"\\nat line 2\"}");
        assertThat(events.get(2).data()).isEqualTo("[DONE]");
    }

    @Test
    void theErrorMessageCanBeMapped() {
        TestSink sink = new TestSink();
        SseResponse sse = SseResponse.builder().errorMessage(e -> "sorry").build();
        sse.streamTokens(sink, Stream.<String>of("a").map(t -> {
            throw new IllegalStateException("secret internals");
        }));

        assertThat(sink.text()).contains("{\"message\":\"sorry\"}").doesNotContain("secret");
    }

    @Test
    void aNullOrThrowingErrorMessageSendsAGenericOne() {
        // errorMessage's function may return null (Throwable::getMessage, the default, does for many errors).
        for (SseResponse sse : List.of(SseResponse.create(), SseResponse.builder().errorMessage(e -> null).build(),
                SseResponse.builder().errorMessage(e -> {
                    throw new IllegalStateException("mapper broke");
                }).build())) {
            TestSink sink = new TestSink();
            sse.streamTokens(sink, Stream.<String>of("a").map(t -> {
                throw new IllegalStateException();
            }));

            assertThat(sink.text()).as("%s", sse).contains("{\"message\":\"the stream failed\"}");
        }
    }

    @Test
    void aClientThatGoesAwayClosesTheSourceAtOnce() throws Exception {
        TestSink sink = new TestSink();
        ControlledSource<String> source = new ControlledSource<>();
        BlockingQueue<SseOutcome> outcome = new ArrayBlockingQueue<>(1);
        Thread server = Thread.ofVirtual()
                .start(() -> outcome.add(SseResponse.create().streamTokens(sink, source.stream())));
        source.offer("one");
        sink.await(t -> t.contains("data: one"), WAIT);

        sink.disconnect();
        source.offer("two");

        assertThat(source.closedLatch.await(1, TimeUnit.SECONDS)).as("source closed within a second").isTrue();
        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.CLIENT_GONE);
        server.join(WAIT);
        assertThat(server.isAlive()).isFalse();
    }

    @Test
    void interruptingTheWritingThreadEndsTheResponseAndClosesTheSource() throws Exception {
        TestSink sink = new TestSink();
        ControlledSource<String> source = new ControlledSource<>();
        BlockingQueue<SseOutcome> outcome = new ArrayBlockingQueue<>(1);
        BlockingQueue<Boolean> flagKept = new ArrayBlockingQueue<>(1);
        Thread server = Thread.ofVirtual().start(() -> {
            outcome.add(SseResponse.create().streamTokens(sink, source.stream()));
            flagKept.add(Thread.currentThread().isInterrupted());
        });
        source.offer("one");
        sink.await(t -> t.contains("data: one"), WAIT);

        server.interrupt(); // what a container's "client gone" callback does; the model is silent meanwhile

        assertThat(source.closedLatch.await(1, TimeUnit.SECONDS)).as("source closed within a second").isTrue();
        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.CLIENT_GONE);
        assertThat(flagKept.poll(5, TimeUnit.SECONDS)).as("interrupt flag left set").isTrue();
    }

    @Test
    void aBridgesOwnStreamIsReadOnTheWritingThreadWithKeepAlivesWhileItsProducerIsSilent() throws Exception {
        TestSink sink = new TestSink();
        CountDownLatch release = new CountDownLatch(1);
        QueueTokenBridge<String> source = QueueTokenBridge.start("test-graph-run", 4, out -> {
            out.accept("one");
            release.await();
            out.accept("two");
        });
        SseResponse sse = SseResponse.builder().keepAlive(Duration.ofMillis(20)).build();
        BlockingQueue<SseOutcome> outcome = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcome.add(sse.streamTokens(sink, source.stream())));

        sink.await(t -> t.contains("data: one") && t.contains(": keep-alive"), WAIT);
        assertThat(LiveThreads.named("synapsekit-sse")).containsExactly("synapsekit-sse-keep-alive");
        release.countDown();

        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.COMPLETED);
        assertThat(sink.events()).extracting(SseEvent::data).containsExactly("one", "two", "[DONE]");
        assertThat(sink.events()).extracting(SseEvent::id).containsExactly("1", "2", "3");
        LiveThreads.awaitNone("synapsekit-sse");
    }

    @Test
    void anySourceIsReadOnTheWritingThreadWithNoHandOffPerToken() throws Exception {
        TestSink sink = new TestSink();
        ControlledSource<String> source = new ControlledSource<>();
        BlockingQueue<Thread> readBy = new LinkedBlockingQueue<>();
        Thread server = Thread.ofVirtual().unstarted(() -> SseResponse.create()
                .streamTokens(sink, source.stream().peek(token -> readBy.add(Thread.currentThread()))));
        server.start();
        source.offer("one");
        sink.await(t -> t.contains("data: one"), WAIT);

        assertThat(readBy.poll(5, TimeUnit.SECONDS)).isSameAs(server);
        assertThat(LiveThreads.named("synapsekit-sse")).containsExactly("synapsekit-sse-keep-alive");
        source.end();
        server.join(WAIT);
        LiveThreads.awaitNone("synapsekit-sse");
    }

    @Test
    void aKeepAliveThatFindsTheClientGoneLeavesTheCallersInterruptFlagClear() throws Exception {
        TestSink sink = new TestSink();
        ControlledSource<String> source = new ControlledSource<>();
        SseResponse sse = SseResponse.builder().keepAlive(Duration.ofMillis(10)).build();
        BlockingQueue<SseOutcome> outcome = new ArrayBlockingQueue<>(1);
        BlockingQueue<Boolean> flag = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> {
            outcome.add(sse.streamTokens(sink, source.stream()));
            flag.add(Thread.currentThread().isInterrupted());
        });
        source.offer("one");
        sink.await(t -> t.contains("data: one"), WAIT);

        sink.disconnect(); // the next keep-alive write fails while the source is silent

        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.CLIENT_GONE);
        assertThat(source.closedLatch.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(flag.poll(5, TimeUnit.SECONDS)).as("interrupt flag").isFalse();
        LiveThreads.awaitNone("synapsekit-sse");
    }

    @Test
    void aSourceThreadBlockedInsideTheModelIsInterruptedWhenTheClientGoes() throws Exception {
        TestSink sink = new TestSink();
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Stream<String> blocking = Stream.generate(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new IllegalStateException("cancelled", e);
            }
            return "never";
        });
        SseResponse sse = SseResponse.builder().keepAlive(Duration.ofMillis(10)).build();
        BlockingQueue<SseOutcome> outcome = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcome.add(sse.streamTokens(sink, blocking)));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        sink.disconnect(); // the next keep-alive write fails

        assertThat(interrupted.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.CLIENT_GONE);
    }

    @Test
    void aClientGoneBeforeTheFirstByteClosesTheSourceWithoutRunningIt() throws Exception {
        ControlledSource<String> source = new ControlledSource<>();
        SseSink broken = SseSink.of((n, v) -> { }, () -> {
            throw new java.io.IOException("reset");
        });

        assertThat(SseResponse.create().streamTokens(broken, source.stream())).isEqualTo(SseOutcome.CLIENT_GONE);
        assertThat(source.closedLatch.await(1, TimeUnit.SECONDS)).isTrue();
    }
}
