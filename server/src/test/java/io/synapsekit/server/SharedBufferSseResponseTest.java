package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.sse.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link SseResponse} needs from a replay buffer shared by several servers: readers elsewhere keep an answer
 * running past the grace, each connection registers as a reader and releases it, a store failure ends the client's
 * stream with an error event, and a stop reaches the producer through the {@link StreamControl}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedBufferSseResponseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** An in-memory buffer that plays a shared one: readers elsewhere and failures are the test's to set. */
    static final class SharedLikeBuffer implements SseReplayBuffer {
        final InMemorySseReplayBuffer delegate = InMemorySseReplayBuffer.create();
        final AtomicBoolean readersElsewhere = new AtomicBoolean();
        final CountDownLatch askedThrice = new CountDownLatch(3);
        final AtomicInteger openReaders = new AtomicInteger();
        final AtomicInteger readersOpened = new AtomicInteger();
        volatile boolean failReads;
        /** When set, appending [DONE] waits for it, noting whether the producing thread was interrupted. */
        volatile CountDownLatch holdDone;
        final CountDownLatch inDone = new CountDownLatch(1);
        final AtomicBoolean interruptedInDone = new AtomicBoolean();

        @Override
        public void begin(String streamId) {
            delegate.begin(streamId);
        }

        @Override
        public void append(String streamId, long seq, SseEvent event) {
            CountDownLatch hold = holdDone;
            if (hold != null && event.data().equals("[DONE]")) {
                inDone.countDown();
                try {
                    hold.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                interruptedInDone.set(Thread.currentThread().isInterrupted());
            }
            delegate.append(streamId, seq, event);
        }

        @Override
        public void complete(String streamId) {
            delegate.complete(streamId);
        }

        @Override
        public Optional<Slice> read(String streamId, long afterSeq, Duration wait) throws InterruptedException {
            if (failReads) {
                throw new SseReplayException("stream " + streamId + ": the store is unreachable (test)");
            }
            return delegate.read(streamId, afterSeq, wait);
        }

        @Override
        public void discard(String streamId) {
            delegate.discard(streamId);
        }

        @Override
        public Registration reading(String streamId, Duration grace) {
            openReaders.incrementAndGet();
            readersOpened.incrementAndGet();
            AtomicBoolean closed = new AtomicBoolean();
            return () -> {
                if (closed.compareAndSet(false, true)) {
                    openReaders.decrementAndGet();
                }
            };
        }

        @Override
        public boolean hasReaders(String streamId) {
            askedThrice.countDown();
            return readersElsewhere.get();
        }
    }

    @Test
    void aReaderOnAnotherServerKeepsTheAnswerRunningPastTheGrace() throws Exception {
        SharedLikeBuffer buffer = new SharedLikeBuffer();
        buffer.readersElsewhere.set(true);
        SseResponse sse = SseResponse.builder().replay(buffer).resumeGrace(Duration.ofMillis(20)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        Thread.ofVirtual().start(() -> sse.streamTokens(client, source.stream()));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);
        client.disconnect();
        source.offer("two"); // the write fails: no client of its own reads the answer any more

        assertThat(buffer.askedThrice.await(5, TimeUnit.SECONDS)).as("asked the buffer for readers elsewhere")
                .isTrue();
        assertThat(source.closedLatch.getCount()).as("still running while a reader elsewhere reads").isOne();

        buffer.readersElsewhere.set(false);
        assertThat(source.closedLatch.await(5, TimeUnit.SECONDS)).as("cancelled once nobody reads").isTrue();
    }

    @Test
    void everyConnectionRegistersAsAReaderAndReleasesIt() throws Exception {
        SharedLikeBuffer buffer = new SharedLikeBuffer();
        SseResponse sse = SseResponse.builder().replay(buffer).resumeGrace(Duration.ofSeconds(30)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink first = new TestSink();
        BlockingQueue<SseOutcome> outcomes = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcomes.add(sse.streamTokens(first, source.stream())));
        source.offer("one");
        first.await(t -> t.contains("data: one"), WAIT);
        first.disconnect();
        source.offer("two");
        assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.CLIENT_GONE);
        source.end();

        assertThat(sse.resume(new TestSink(), first.events().get(0).id())).isEqualTo(SseOutcome.COMPLETED);
        assertThat(buffer.readersOpened).hasValue(2);
        assertThat(buffer.openReaders).hasValue(0);
    }

    @Test
    void aStoreThatFailsMidStreamEndsTheClientWithAnErrorEvent() throws Exception {
        SharedLikeBuffer buffer = new SharedLikeBuffer();
        SseResponse sse = SseResponse.builder().replay(buffer).resumeGrace(Duration.ZERO)
                .keepAlive(Duration.ofMillis(50)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        BlockingQueue<SseOutcome> outcomes = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcomes.add(sse.streamTokens(client, source.stream())));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);
        buffer.failReads = true;

        assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.FAILED);
        List<SseEvent> events = client.events();
        assertThat(events).extracting(SseEvent::event).containsExactly("message", "error", "message");
        assertThat(events.get(1).data()).contains("the store is unreachable");
        assertThat(events.get(2).data()).isEqualTo("[DONE]");
        assertThat(source.closedLatch.await(5, TimeUnit.SECONDS)).as("nobody reads: the answer is cancelled")
                .isTrue();
        assertThat(buffer.openReaders).hasValue(0);
    }

    @Test
    void aResumeThatTheStoreCannotServeGetsAnErrorEvent() {
        SharedLikeBuffer buffer = new SharedLikeBuffer();
        buffer.failReads = true;
        SseResponse sse = SseResponse.builder().replay(buffer).build();
        TestSink late = new TestSink();

        assertThat(sse.resume(late, "abc-3")).isEqualTo(SseOutcome.FAILED);
        assertThat(late.events()).extracting(SseEvent::event).containsExactly("error", "message");
        assertThat(late.events().get(0).data()).contains("the store is unreachable");
        assertThat(sse.resume(new TestSink(), late.events().get(1).id())).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
    }

    @Test
    void aStopEndsTheAnswerWithWhatWasProducedThenDone() throws Exception {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create()).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        BlockingQueue<SseOutcome> outcomes = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcomes.add(sse.streamTokens(client, source.stream())));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);

        assertThat(sse.stop(client.events().get(0).id())).isTrue();

        assertThat(source.closedLatch.await(5, TimeUnit.SECONDS)).as("source closed").isTrue();
        assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.COMPLETED);
        assertThat(client.events()).extracting(SseEvent::data).containsExactly("one", "[DONE]");
    }

    @Test
    void aStopGoesThroughTheConfiguredControl() throws Exception {
        StreamControl control = StreamControl.inProcess();
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create()).control(control).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        Thread.ofVirtual().start(() -> sse.streamTokens(client, source.stream()));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);
        String id = client.events().get(0).id();

        control.stop(id.substring(0, id.lastIndexOf('-')));

        assertThat(source.closedLatch.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sse.control()).isSameAs(control);
    }

    @Test
    void aStopThatComesAsTheAnswerEndsDoesNotInterruptItsLastWrites() throws Exception {
        // A shared buffer writes over a socket, which an interrupt would close under the write of [DONE].
        SharedLikeBuffer buffer = new SharedLikeBuffer();
        buffer.holdDone = new CountDownLatch(1);
        SseResponse sse = SseResponse.builder().replay(buffer).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        BlockingQueue<SseOutcome> outcomes = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcomes.add(sse.streamTokens(client, source.stream())));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);
        source.end();
        assertThat(buffer.inDone.await(5, TimeUnit.SECONDS)).isTrue();

        sse.stop(client.events().get(0).id());
        buffer.holdDone.countDown();

        assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.COMPLETED);
        assertThat(buffer.interruptedInDone).as("interrupted while writing [DONE]").isFalse();
    }

    @Test
    void stopRefusesIdsItCannotUse() {
        assertThat(SseResponse.create().stop("abc-1")).as("not resumable").isFalse();
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create()).build();
        assertThat(sse.stop("no dash")).isFalse();
        assertThat(sse.stop("abc-x")).isFalse();
        assertThat(sse.stop("abc-7")).as("an unknown stream: requested, nothing to stop").isTrue();
    }
}
