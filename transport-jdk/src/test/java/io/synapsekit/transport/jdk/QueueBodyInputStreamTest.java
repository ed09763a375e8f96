package io.synapsekit.transport.jdk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The body stream between HttpClient's subscriber side and the one reader: a read gathers what has already
 * arrived without waiting for more, an end or failure that arrives with data is reported after that data, and
 * demand stays within the prefetch window.
 */
class QueueBodyInputStreamTest {

    private final QueueBodyInputStream body = new QueueBodyInputStream(() -> { });
    private final HttpResponse.BodySubscriber<QueueBodyInputStream> subscriber = body.subscriber();
    private final CountingSubscription subscription = new CountingSubscription();

    QueueBodyInputStreamTest() {
        subscriber.onSubscribe(subscription);
    }

    @Test
    void aReadGathersEveryBufferAlreadyDeliveredAndDoesNotWaitForMore() throws IOException {
        subscriber.onNext(List.of(buf("data: a\n\n"), buf("data: b\n\n")));
        subscriber.onNext(List.of(buf("data: c\n\n")));

        byte[] dst = new byte[100];
        int n = body.read(dst, 0, dst.length);

        assertThat(new String(dst, 0, n, UTF_8)).isEqualTo("data: a\n\ndata: b\n\ndata: c\n\n");
    }

    @Test
    void aReadStopsAtTheLengthAskedForAndTheRestComesNext() throws IOException {
        subscriber.onNext(List.of(buf("0123456789"), buf("abcdef")));
        byte[] dst = new byte[12];

        assertThat(body.read(dst, 0, 12)).isEqualTo(12);
        assertThat(new String(dst, UTF_8)).isEqualTo("0123456789ab");
        assertThat(body.read(dst, 0, 12)).isEqualTo(4);
        assertThat(new String(dst, 0, 4, UTF_8)).isEqualTo("cdef");
    }

    @Test
    void theEndArrivingWithDataIsReportedAfterTheData() throws IOException {
        subscriber.onNext(List.of(buf("last")));
        subscriber.onComplete();
        byte[] dst = new byte[100];

        assertThat(body.read(dst, 0, dst.length)).isEqualTo(4);
        assertThat(body.read(dst, 0, dst.length)).isEqualTo(-1);
        assertThat(body.read(dst, 0, dst.length)).isEqualTo(-1);
    }

    @Test
    void aFailureArrivingWithDataIsReportedAfterTheDataSoNothingDeliveredIsLost() throws IOException {
        subscriber.onNext(List.of(buf("partial ")));
        subscriber.onNext(List.of(buf("text")));
        subscriber.onError(new IOException("connection reset"));
        byte[] dst = new byte[100];

        int n = body.read(dst, 0, dst.length);

        assertThat(new String(dst, 0, n, UTF_8)).isEqualTo("partial text");
        assertThatThrownBy(() -> body.read(dst, 0, dst.length))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("connection reset");
        assertThatThrownBy(() -> body.read(dst, 0, dst.length))
                .as("the failure stays")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("connection reset");
    }

    @Test
    void demandIsRenewedInBatchesAndNeverExceedsThePrefetchWindow() throws IOException {
        assertThat(subscription.requested.get()).isEqualTo(QueueBodyInputStream.PREFETCH);
        byte[] dst = new byte[1];
        long delivered = 0;
        for (long read = 0; read < 1_000; read++) {
            while (delivered < subscription.requested.get()) { // HttpClient sends all that is demanded
                subscriber.onNext(List.of(buf("x")));
                delivered++;
            }
            assertThat(delivered).as("the reader never starves (after %d lists)", read).isGreaterThan(read);
            assertThat(body.read(dst, 0, 1)).isEqualTo(1);
            assertThat(subscription.requested.get())
                    .as("lists demanded ahead of the reader, after %d", read)
                    .isLessThanOrEqualTo(read + 1 + QueueBodyInputStream.PREFETCH);
        }
        assertThat(subscription.requestCalls.get()).as("renewals are batched, not one per list")
                .isLessThanOrEqualTo(1 + 1_000 / QueueBodyInputStream.BATCH);
    }

    @Test
    void closeFromAnotherThreadWakesABlockedReaderAndCancelsTheExchange() throws Exception {
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(2);
        blockedReader(outcome);

        body.close();

        assertThat(outcome.poll(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        assertThat(subscription.cancelled).isTrue();
    }

    @Test
    void anInterruptedReaderGetsInterruptedIOExceptionKeepsTheFlagAndCancels() throws Exception {
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(2);
        Thread reader = blockedReader(outcome);

        reader.interrupt();

        assertThat(outcome.poll(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        assertThat(outcome.poll(10, TimeUnit.SECONDS)).isEqualTo(true);
        assertThat(subscription.cancelled).isTrue();
    }

    @Test
    void aBufferIsNotKeptOnceReadSoItsBackingArrayCanBeCollected() throws Exception {
        // HttpClient's buffers are slices of a larger read buffer: keeping a read one would keep all of it.
        byte[] backing = "data: a\n\n".getBytes(UTF_8);
        WeakReference<byte[]> ref = new WeakReference<>(backing);
        subscriber.onNext(List.of(ByteBuffer.wrap(backing).asReadOnlyBuffer()));
        backing = null;
        byte[] dst = new byte[100];

        assertThat(body.read(dst, 0, dst.length)).isEqualTo(9);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ref.get() != null) {
            assertThat(System.nanoTime()).as("the read buffer was collected while the body is open")
                    .isLessThan(deadline);
            System.gc();
            Thread.sleep(10); // polling the collector with a deadline
        }
        assertThat(body.available()).isZero();
    }

    @Test
    void closeAtContentEndWithTheEndAlreadyArrivedDoesNotCancel() {
        subscriber.onNext(List.of(buf("data: [DONE]\n\n")));
        subscriber.onComplete();

        body.closeAtContentEnd();

        assertThat(subscription.cancelled).as("a finished exchange keeps its connection").isFalse();
    }

    @Test
    void closeAtContentEndWaitsForAnEndThatTrailsAndDropsWhatCameBefore() throws Exception {
        subscriber.onNext(List.of(buf("data: [DONE]\n\n"))); // the reader stops at the marker: not read
        CountDownLatch waiting = new CountDownLatch(1);
        Thread closer = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            body.closeAtContentEnd();
        });
        waiting.await();
        awaitParked(closer, Thread.State.TIMED_WAITING);

        subscriber.onComplete();
        closer.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(closer.isAlive()).isFalse();
        assertThat(subscription.cancelled).as("the end came within the grace").isFalse();
    }

    @Test
    void closeAtContentEndCancelsWhenTheEndDoesNotComeInTime() throws Exception {
        Thread closer = Thread.ofVirtual().start(body::closeAtContentEnd);

        closer.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(closer.isAlive()).as("the grace is bounded").isFalse();
        assertThat(subscription.cancelled).isTrue();
    }

    @Test
    void closeAtContentEndCancelsWhenMoreThanTheDiscardLimitArrivesInsteadOfTheEnd() {
        byte[] big = new byte[QueueBodyInputStream.END_DISCARD_LIMIT / 4];
        for (int i = 0; i < 5; i++) {
            subscriber.onNext(List.of(ByteBuffer.wrap(big)));
        }

        body.closeAtContentEnd();

        assertThat(subscription.cancelled).isTrue();
    }

    /** Starts a reader blocked in read(); it reports the read's result, or its exception and interrupt flag. */
    private Thread blockedReader(BlockingQueue<Object> outcome) throws InterruptedException {
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(body.read(new byte[10], 0, 10));
            } catch (IOException e) {
                outcome.add(e);
                outcome.add(Thread.currentThread().isInterrupted());
            }
        });
        awaitParked(reader);
        return reader;
    }

    private static void awaitParked(Thread t) throws InterruptedException {
        awaitParked(t, Thread.State.WAITING);
    }

    private static void awaitParked(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != state) {
            assertThat(System.nanoTime()).as("reader parked in time").isLessThan(deadline);
            Thread.sleep(1); // polling a state with a deadline, not standing in for synchronisation
        }
    }

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    static final class CountingSubscription implements Flow.Subscription {
        final AtomicLong requested = new AtomicLong();
        final AtomicLong requestCalls = new AtomicLong();
        volatile boolean cancelled;

        @Override
        public void request(long n) {
            requested.addAndGet(n);
            requestCalls.incrementAndGet();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
