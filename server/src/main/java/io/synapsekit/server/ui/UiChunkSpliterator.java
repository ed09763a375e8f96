package io.synapsekit.server.ui;

import io.synapsekit.sse.SseEvent;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Pulls a source of typed events through a {@link UiMessageEncoder}: {@code start} first, the encoded events, then
 * {@code finish}; a source that fails ends with {@code error} and {@code finish}, a source closed on purpose
 * (stop) with {@code abort}. One thread reads it; {@link #stop()} may be called from any thread.
 */
final class UiChunkSpliterator<E> implements Spliterator<SseEvent> {

    private final Stream<E> source;
    private final BiConsumer<UiMessageEncoder, E> encode;
    private final UiMessageEncoder encoder;
    private volatile boolean stopped;
    private boolean started;
    private boolean ended;
    private Iterator<E> events;

    UiChunkSpliterator(Stream<E> source, UiMessageEncoder encoder, BiConsumer<UiMessageEncoder, E> encode) {
        this.source = source;
        this.encoder = encoder;
        this.encode = encode;
    }

    /** Stops the answer: closes the source, which cancels the LLM request or the graph run; the rest is abort. */
    void stop() {
        stopped = true;
        source.close();
    }

    @Override
    public boolean tryAdvance(Consumer<? super SseEvent> action) {
        while (encoder.out.isEmpty()) {
            if (ended) {
                return false;
            }
            pull();
        }
        action.accept(encoder.out.poll());
        return true;
    }

    private void pull() {
        if (!started) {
            started = true;
            encoder.start();
            return;
        }
        if (stopped) {
            ended = true;
            encoder.abort();
            return;
        }
        try {
            if (events == null) {
                events = source.iterator();
            }
            boolean more = events.hasNext();
            E next = more ? events.next() : null;
            if (stopped) {
                // What a stopped source yields last (a graph's Failed, say) is the stop's doing, not news.
                ended = true;
                encoder.abort();
            } else if (more) {
                encode.accept(encoder, next);
            } else {
                ended = true;
                encoder.finish();
            }
        } catch (RuntimeException e) {
            ended = true;
            if (stopped) {
                encoder.abort();
            } else if (Thread.currentThread().isInterrupted()) {
                throw e; // the client went away: nobody reads the rest, and the server ends the response
            } else {
                encoder.error(e);
            }
        }
    }

    @Override
    public Spliterator<SseEvent> trySplit() {
        return null;
    }

    @Override
    public long estimateSize() {
        return Long.MAX_VALUE;
    }

    @Override
    public int characteristics() {
        return ORDERED | NONNULL;
    }
}
