package io.synapsekit.stream;

import io.synapsekit.internal.leak.Cleaners;
import io.synapsekit.internal.leak.LeakWarning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blocking iterator over items that a producer emits on its own named virtual thread, handed over through a
 * bounded {@link ArrayBlockingQueue}.
 *
 * <p>Backpressure: when the queue is full the producer blocks in {@link Sink#accept}, so a slow consumer slows
 * the producer and memory stays bounded by the capacity.
 *
 * <p>Holds one virtual thread (the producer) until the producer returns, fails, or this iterator is closed.
 * {@link #close()} is idempotent, may be called from any thread, interrupts the producer (so a blocking call it
 * is in, such as an HTTP read, is cancelled), discards queued items and wakes a consumer blocked in
 * {@link #hasNext()}, which then returns {@code false}. A producer failure reaches the consumer after every item
 * produced before it, rethrown from {@code hasNext()}: unchecked exceptions as they are, an {@link IOException}
 * as {@link UncheckedIOException}, any other checked exception wrapped in a {@link RuntimeException}.
 *
 * <p>A bridge that is neither closed nor read to its end and becomes unreachable is closed by a
 * {@link Cleaner}, so a forgotten stream does not leave its producer blocked forever. The first time, a warning
 * goes to SLF4J, or to {@link System.Logger} where SLF4J has no provider, as for an abandoned LLM stream.
 *
 * <p>One thread iterates. Interrupting it while it waits closes the bridge, keeps the interrupt flag set and
 * throws {@link CancellationException}.
 *
 * <pre>{@code
 * try (QueueTokenBridge<String> tokens = QueueTokenBridge.start("my-producer", 64, sink -> {
 *     for (String t : List.of("a", "b")) sink.accept(t);
 * })) {
 *     tokens.forEachRemaining(System.out::print);
 * }
 * }</pre>
 *
 * @param <T> the item type
 */
public final class QueueTokenBridge<T> implements CloseableIterator<T> {

    /** The code that produces the items, run on the bridge's own thread. */
    @FunctionalInterface
    public interface Producer<T> {
        /**
         * Produces items into {@code sink} and returns when done. May block; should stop when interrupted.
         *
         * @throws Exception any failure; the consumer receives it after the items produced before it
         */
        void produce(Sink<T> sink) throws Exception;
    }

    /** Where a producer puts its items. Safe to call from several threads at once. */
    @FunctionalInterface
    public interface Sink<T> {
        /**
         * Hands {@code item} to the consumer, waiting while the queue is full.
         *
         * @throws InterruptedException when the bridge was closed or the producing thread was interrupted
         */
        void accept(T item) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(QueueTokenBridge.class);
    private static final LeakWarning LEAK = new LeakWarning(QueueTokenBridge.class);

    /** Marks the end: the producer returned. */
    private static final Object END = new Object();

    /** Marks that {@link #close()} ran; only wakes the consumer. */
    private static final Object CLOSED = new Object();

    private record Failure(Throwable error) {
    }


    /**
     * What the producer thread and the consumer share. The producer holds only this, never the iterator, so a
     * forgotten iterator can become unreachable and be closed by the cleaner.
     */
    private static final class Shared implements Runnable {
        final ArrayBlockingQueue<Object> queue;
        final AtomicBoolean closed = new AtomicBoolean();
        volatile Thread producer;
        volatile boolean consumed;

        Shared(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /** Closes: interrupts the producer, discards queued items and wakes the consumer. */
        boolean close() {
            if (!closed.compareAndSet(false, true)) {
                return false;
            }
            producer.interrupt();
            // Wake a consumer blocked in take(); the producer may still slip one item in, so retry until it fits.
            queue.clear();
            while (!queue.offer(CLOSED)) {
                queue.clear();
            }
            return true;
        }

        /**
         * Run by the cleaner, when the iterator became unreachable without being closed, or by {@code close()}.
         * Only the cleaner finds it unconsumed, and then nobody else can close it meanwhile: the warning goes first,
         * so that it is out before the producer learns it was stopped.
         */
        @Override
        public void run() {
            if (!consumed && !closed.get()) {
                LEAK.warnOnce("a QueueTokenBridge was never closed nor read to its end; stopped its producer "
                        + producer.getName() + ". Use try-with-resources on every stream. (This warning is logged"
                        + " once.)");
            }
            close();
        }
    }

    private final Shared shared;
    private final Cleaner.Cleanable cleanable;
    private @Nullable Object pending;
    private boolean finished;

    private QueueTokenBridge(Shared shared) {
        this.shared = shared;
        this.cleanable = Cleaners.SHARED.register(this, shared);
    }

    /**
     * Starts {@code producer} on a new virtual thread named {@code threadName} and returns the iterator over
     * what it produces.
     *
     * @param capacity the most items queued between producer and consumer; at least 1
     * @throws IllegalArgumentException when {@code capacity} is below 1
     */
    public static <T> QueueTokenBridge<T> start(String threadName, int capacity, Producer<T> producer) {
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(producer, "producer");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        Shared shared = new Shared(capacity);
        Sink<T> sink = item -> {
            Objects.requireNonNull(item, "item");
            if (shared.closed.get()) {
                throw new InterruptedException("bridge closed");
            }
            shared.queue.put(item);
        };
        Thread t = Thread.ofVirtual().name(threadName).unstarted(() -> run(shared, producer, sink));
        t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught failure on bridge thread {}", th.getName(), e));
        shared.producer = t;
        QueueTokenBridge<T> bridge = new QueueTokenBridge<>(shared);
        t.start();
        return bridge;
    }

    private static <T> void run(Shared shared, Producer<T> body, Sink<T> sink) {
        Object last;
        try {
            body.produce(sink);
            last = END;
        } catch (Throwable e) {
            last = shared.closed.get() ? END : new Failure(e);
        }
        if (!shared.closed.get()) {
            try {
                shared.queue.put(last);
            } catch (InterruptedException e) {
                // Only close() interrupts us here, and then nobody is left to read the marker.
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits up to {@code timeout} for the next item or the end of the stream.
     *
     * @return {@code true} when {@link #hasNext()} will now answer without waiting, {@code false} when the time
     *     ran out first
     * @throws CancellationException when the waiting thread is interrupted (the bridge is then closed)
     */
    public boolean await(Duration timeout) {
        if (pending != null || finished || shared.closed.get()) {
            return true;
        }
        try {
            pending = shared.queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw interrupted();
        }
        return pending != null;
    }

    /**
     * Returns whether another item is available, waiting for the producer if needed.
     *
     * @throws RuntimeException the producer's failure, after every item it produced before failing
     * @throws CancellationException when the waiting thread is interrupted (the bridge is then closed)
     */
    @Override
    public boolean hasNext() {
        while (true) {
            if (finished || shared.closed.get()) {
                return false;
            }
            if (pending == null) {
                try {
                    pending = shared.queue.take();
                } catch (InterruptedException e) {
                    throw interrupted();
                }
            }
            Object o = pending;
            if (o == CLOSED) {
                pending = null;
                continue;
            }
            if (o == END) {
                pending = null;
                finished = true;
                shared.consumed = true;
                close();
                return false;
            }
            if (o instanceof Failure f) {
                pending = null;
                finished = true;
                shared.consumed = true;
                close();
                throw rethrowable(f.error());
            }
            return true;
        }
    }

    /** Returns the next item, waiting for it if needed. */
    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = (T) pending;
        pending = null;
        return item;
    }

    /**
     * Returns a sequential, ordered stream over the remaining items; closing it closes this bridge. A relay that
     * receives such a stream can find this bridge again with {@link #behind(Spliterator)} and wait on it with a
     * time limit.
     */
    @Override
    public Stream<T> stream() {
        return StreamSupport.stream(new BridgeSpliterator<>(this), false).onClose(this::close);
    }

    /**
     * Returns the bridge that made {@code spliterator}: the one from {@code stream.spliterator()} of a stream made
     * by {@link #stream()} with no operation added since. A relay that must act while the producer is silent (a
     * Server-Sent Events keep-alive) then waits on the bridge itself with {@link #await(Duration)}, instead of
     * starting a second producer thread and queue in front of it. The spliterator is spent either way: read what
     * remains from the bridge, or from the spliterator when this returns empty, and close the stream at the end.
     */
    @SuppressWarnings("unchecked")
    public static <T> Optional<QueueTokenBridge<T>> behind(Spliterator<T> spliterator) {
        return spliterator instanceof BridgeSpliterator<?> b ? Optional.of((QueueTokenBridge<T>) b.bridge)
                : Optional.empty();
    }

    /** The spliterator of {@link #stream()}: the iterator's own, marked so that {@link #behind} can find it. */
    private static final class BridgeSpliterator<T> extends Spliterators.AbstractSpliterator<T> {
        final QueueTokenBridge<T> bridge;

        BridgeSpliterator(QueueTokenBridge<T> bridge) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
            this.bridge = bridge;
        }

        @Override
        public boolean tryAdvance(Consumer<? super T> action) {
            if (!bridge.hasNext()) {
                return false;
            }
            action.accept(bridge.next());
            return true;
        }
    }

    /**
     * Stops the producer and releases its thread: interrupts it, discards the queued items and wakes a blocked
     * consumer. Idempotent; any thread. The producer thread ends as soon as it reacts to the interrupt.
     */
    @Override
    public void close() {
        shared.consumed = true;
        cleanable.clean();
    }

    private CancellationException interrupted() {
        Thread.currentThread().interrupt();
        close();
        return new CancellationException("interrupted while waiting for the producer " + shared.producer.getName());
    }

    private static RuntimeException rethrowable(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        return new RuntimeException(e);
    }
}
