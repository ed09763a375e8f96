package io.synapsekit.server;

import io.synapsekit.stream.CloseableIterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A source the test drives token by token, like a slow model: hasNext() blocks until the test offers a token,
 * ends it or fails it. close() (from any thread) wakes the reader, as SynapseKit's streams do.
 */
final class ControlledSource<T> implements CloseableIterator<T> {

    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    final CountDownLatch closedLatch = new CountDownLatch(1);
    final AtomicInteger opened = new AtomicInteger();
    private Object next;

    void offer(T item) {
        queue.add(item);
    }

    void end() {
        queue.add(END);
    }

    void fail(RuntimeException e) {
        queue.add(e);
    }

    @Override
    public Stream<T> stream() {
        opened.incrementAndGet();
        return CloseableIterator.super.stream();
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (next instanceof RuntimeException e) {
            next = null;
            throw e;
        }
        if (next == END || next == CLOSED) {
            return false;
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T item = (T) next;
        next = null;
        return item;
    }

    @Override
    public void close() {
        closedLatch.countDown();
        queue.add(CLOSED);
    }
}
