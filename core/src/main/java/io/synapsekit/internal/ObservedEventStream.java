package io.synapsekit.internal;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.stream.CloseableIterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An LLM call's events, told to its listeners as they are read: each event right after it was decoded, on the
 * reading thread; then how the call ended, exactly once. The request is sent, and each read of the body made,
 * inside the listeners' scope.
 *
 * <p>Reads one event ahead of {@link #next()}, in {@link #hasNext()}, so that a listener hears an event the moment
 * the transport delivered it rather than when the caller next asks for one. {@code close()} is idempotent and may
 * be called from any thread; when it comes before the provider said why it stopped, the listeners hear
 * {@code cancelled}.
 */
final class ObservedEventStream implements CloseableIterator<LLMEvent>, ReadScope {

    private final LLMCallListener[] listeners;
    private final AtomicBoolean ended = new AtomicBoolean();
    private @Nullable CloseableIterator<LLMEvent> events;
    private @Nullable LLMEvent ahead;
    private @Nullable String finishReason;
    private int textLength; // written by the reader; read by a closing thread, where an approximate count will do
    private boolean contentSeen;
    private volatile boolean closing;

    ObservedEventStream(LLMCallListener[] listeners) {
        this.listeners = listeners;
    }

    /**
     * Sends the request with {@code open} inside the listeners' scope, handing it this stream as the scope of each
     * read of the body; a failure ends the call.
     */
    void open(Function<@Nullable ReadScope, CloseableIterator<LLMEvent>> open) {
        Scope scope = enter();
        try {
            events = open.apply(this);
        } catch (RuntimeException e) {
            failed(e);
            throw e;
        } finally {
            exit(scope);
        }
    }

    @Override
    public Scope enter() {
        if (listeners.length == 1) { // the usual case, without the wrapper enterAll puts around each scope
            try {
                return listeners[0].enter();
            } catch (RuntimeException x) {
                Observers.failed(listeners[0], x);
                return Scope.NONE;
            }
        }
        return Observers.enterAll(listeners, l -> ((LLMCallListener) l).enter());
    }

    @Override
    public void exit(Scope scope) {
        if (scope != Scope.NONE) {
            try {
                scope.close();
            } catch (RuntimeException x) {
                Observers.failed(listeners[0], x);
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (ahead != null) {
            return true;
        }
        CloseableIterator<LLMEvent> e = events;
        if (e == null || ended.get()) {
            return false;
        }
        try { // the reads under it enter the listeners' scope (ScopedInputStream), once per read, not per event
            if (e.hasNext()) {
                LLMEvent event = e.next();
                ahead = event;
                seen(event);
                return true;
            }
        } catch (RuntimeException failure) {
            if (closing) {
                cancelled();
            } else {
                failed(failure);
            }
            throw failure;
        }
        if (closing && finishReason == null) {
            cancelled();
        } else {
            finished();
        }
        return false;
    }

    @Override
    public void response(@Nullable String id, @Nullable String model) {
        for (LLMCallListener l : listeners) {
            try {
                l.response(id, model);
            } catch (RuntimeException x) {
                Observers.failed(l, x);
            }
        }
    }

    private void finished() {
        if (ended.compareAndSet(false, true)) {
            for (LLMCallListener l : listeners) {
                try {
                    l.finished(finishReason);
                } catch (RuntimeException x) {
                    Observers.failed(l, x);
                }
            }
        }
    }

    @Override
    public LLMEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        LLMEvent event = ahead;
        ahead = null;
        return event;
    }

    private void seen(LLMEvent event) {
        switch (event) {
            case LLMEvent.Token t -> {
                textLength += t.text().length();
                content();
            }
            case LLMEvent.Finish f -> finishReason = f.reason();
            case LLMEvent.Usage u -> {
                for (LLMCallListener l : listeners) {
                    try {
                        l.usage(u);
                    } catch (RuntimeException x) {
                        Observers.failed(l, x);
                    }
                }
            }
            case LLMEvent.Raw r -> { }
            default -> content(); // thinking, a refusal, a tool call being written or complete
        }
        for (LLMCallListener l : listeners) {
            try {
                l.chunk(event);
            } catch (RuntimeException x) {
                Observers.failed(l, x);
            }
        }
    }

    private void content() {
        if (!contentSeen) {
            contentSeen = true;
            for (LLMCallListener l : listeners) {
                try {
                    l.firstChunk();
                } catch (RuntimeException x) {
                    Observers.failed(l, x);
                }
            }
        }
    }

    private void failed(RuntimeException error) {
        if (ended.compareAndSet(false, true)) {
            int length = error instanceof LLMException e ? e.partialText().length() : textLength;
            for (LLMCallListener l : listeners) {
                try {
                    l.failed(error, length);
                } catch (RuntimeException x) {
                    Observers.failed(l, x);
                }
            }
        }
    }

    private void cancelled() {
        if (ended.compareAndSet(false, true)) {
            for (LLMCallListener l : listeners) {
                try {
                    l.cancelled(textLength);
                } catch (RuntimeException x) {
                    Observers.failed(l, x);
                }
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        ahead = null;
        CloseableIterator<LLMEvent> e = events;
        if (e != null) {
            e.close();
        }
        if (finishReason != null) {
            finished(); // the provider had said why it stopped: the answer was whole, only its tail was left unread
        } else {
            cancelled();
        }
    }
}
