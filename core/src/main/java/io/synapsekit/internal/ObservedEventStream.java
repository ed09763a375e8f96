package io.synapsekit.internal;

import io.synapsekit.internal.leak.Cleaners;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.stream.CloseableIterator;
import java.lang.ref.Cleaner;
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
 * {@code cancelled}. A stream dropped before its end, neither read to it nor closed, is heard as
 * {@code abandoned} once the garbage collector found it, through a {@link Cleaner}.
 */
final class ObservedEventStream implements CloseableIterator<LLMEvent>, ReadScope {


    private final LLMCallListener[] listeners;
    private final Ending ending;
    private final AtomicBoolean ended;
    private final Cleaner.Cleanable cleanable;
    private @Nullable CloseableIterator<LLMEvent> events;
    private @Nullable LLMEvent ahead;
    private @Nullable String finishReason;
    private boolean contentSeen;
    private volatile boolean closing;

    /**
     * How the call ends and how much text it delivered, kept apart from the stream so that the cleaner can tell
     * the listeners of an abandoned stream without keeping the stream reachable.
     */
    private static final class Ending implements Runnable {
        private final LLMCallListener[] listeners;
        private final AtomicBoolean ended = new AtomicBoolean();
        // Written by the reader; read by a closing thread or the cleaner, where an approximate count will do.
        private int textLength;

        Ending(LLMCallListener[] listeners) {
            this.listeners = listeners;
        }

        /** Runs when the stream became unreachable before its end; after an end, does nothing. */
        @Override
        public void run() {
            if (ended.compareAndSet(false, true)) {
                for (LLMCallListener l : listeners) {
                    try {
                        l.abandoned(textLength);
                    } catch (RuntimeException x) {
                        Observers.failed(l, x);
                    }
                }
            }
        }
    }

    ObservedEventStream(LLMCallListener[] listeners) {
        this.listeners = listeners;
        this.ending = new Ending(listeners);
        this.ended = ending.ended;
        this.cleanable = Cleaners.SHARED.register(this, ending);
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
            cleanable.clean(); // the action finds the call ended and does nothing
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
        if (event instanceof LLMEvent.Token t) { // nearly every event: one type check, before any switch
            ending.textLength += t.text().length();
            if (!contentSeen) {
                content();
            }
        } else {
            seenOther(event);
        }
        for (LLMCallListener l : listeners) {
            try {
                l.chunk(event);
            } catch (RuntimeException x) {
                Observers.failed(l, x);
            }
        }
    }

    private void seenOther(LLMEvent event) {
        switch (event) {
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
            cleanable.clean();
            int length = error instanceof LLMException e ? e.partialText().length() : ending.textLength;
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
            cleanable.clean();
            for (LLMCallListener l : listeners) {
                try {
                    l.cancelled(ending.textLength);
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
