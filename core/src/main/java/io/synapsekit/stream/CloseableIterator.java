package io.synapsekit.stream;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An {@link Iterator} that holds a resource (an HTTP connection, a worker thread) until it is released.
 *
 * <p>Three exits release the resource on their own: {@link #close()}, reaching the end ({@code hasNext()}
 * returns {@code false}), and failure ({@code hasNext()} or {@code next()} throws). {@code close()} is
 * idempotent, may be called from any thread, throws no checked exception, and wakes a reader blocked in
 * {@code hasNext()}, which then returns {@code false}.
 *
 * <p>One thread iterates; implementations are not safe for concurrent iteration.
 *
 * @param <T> the element type
 */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {

    /** Releases the resource held by this iterator. Idempotent; any thread; never throws a checked exception. */
    @Override
    void close();

    /**
     * Returns a sequential, ordered {@link Stream} over the remaining elements. Closing the stream closes this
     * iterator; so do reaching its end and failing.
     *
     * @apiNote Short-circuiting operations such as {@code limit} or {@code findFirst} stop reading without
     *     reaching the end, so use the stream in try-with-resources to release the connection at once.
     */
    default Stream<T> stream() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Returns an iterator over {@code elements} that holds nothing. */
    static <T> CloseableIterator<T> of(Iterable<? extends T> elements) {
        Iterator<? extends T> it = elements.iterator();
        return new CloseableIterator<>() {
            private volatile boolean closed;

            @Override
            public boolean hasNext() {
                return !closed && it.hasNext();
            }

            @Override
            public T next() {
                if (closed) {
                    throw new java.util.NoSuchElementException("closed");
                }
                return it.next();
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }
}
