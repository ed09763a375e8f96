package io.synapsekit.internal;

import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.sse.SseException;
import io.synapsekit.stream.CloseableIterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one streaming HTTP response, read on the caller's thread.
 *
 * <p>Holds the connection until the end marker, a failure, or {@link #close()}; each releases it. An abandoned
 * stream (never closed, no longer reachable) is released by a {@link Cleaner}, with a warning. Failures become
 * typed {@link LLMException}s carrying the {@link PartialResult} decoded so far.
 */
final class HttpEventStream implements CloseableIterator<LLMEvent>, StreamContext {

    private static final Logger log = LoggerFactory.getLogger(HttpEventStream.class);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicBoolean LEAK_WARNED = new AtomicBoolean();

    private final String provider;
    private final String secret;
    private final int maxEventBytes;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private final StreamWatchdog watchdog;
    private final EventDecoder decoder;
    private final InputStream body;
    private final ArrayDeque<LLMEvent> pending = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    // The rest of the partial result; written only for events other than answer tokens.
    private final StringBuilder thinking = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final List<LLMEvent.ToolCall> finishedCalls = new ArrayList<>();
    private final ToolCallAssembler callsBeingWritten = new ToolCallAssembler();
    private LLMEvent.Usage usage;
    private boolean ended;
    private boolean contentSeen; // any content decoded: the first-token limit is met
    private final java.util.function.Consumer<LLMEvent> sink = this::accept; // one, not one per read

    /**
     * What must be released, kept apart from the stream so the cleaner and the watchdog can reach it without
     * keeping the stream reachable.
     */
    private static final class Release implements Runnable {
        private final String provider;
        private final TransportResponse response;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean closedByCaller;
        private volatile StreamWatchdog watchdog;

        Release(String provider, TransportResponse response) {
            this.provider = provider;
            this.response = response;
        }

        void release() {
            release(false);
        }

        /**
         * Releases once. {@code atContentEnd}: the decoder saw the protocol's end, so only the body's own end can
         * still be in flight, and the transport may wait a moment for it to keep the connection alive.
         */
        void release(boolean atContentEnd) {
            if (released.compareAndSet(false, true)) {
                StreamWatchdog w = watchdog;
                if (w != null) {
                    w.stop();
                }
                if (atContentEnd) {
                    response.closeAtContentEnd();
                } else {
                    response.close();
                }
            }
        }

        /** Runs when the stream became unreachable without being released. */
        @Override
        public void run() {
            if (released.get()) {
                return;
            }
            if (LEAK_WARNED.compareAndSet(false, true)) {
                log.warn("{}: an LLM stream was never closed nor read to its end; its connection was released by"
                        + " the garbage collector. Use try-with-resources on every stream."
                        + " (This warning is logged once.)", provider);
            } else {
                log.debug("{}: released an abandoned LLM stream", provider);
            }
            release();
        }
    }

    HttpEventStream(String provider, TransportResponse response, long startNanos, ClientSettings settings,
            ProviderCodec codec) {
        this.provider = provider;
        this.secret = codec.secret();
        this.maxEventBytes = settings.maxEventBytes();
        this.release = new Release(provider, response);
        this.cleanable = CLEANER.register(this, release);
        Release r = release; // the watchdog's action must not capture this stream
        this.watchdog = StreamWatchdog.start(startNanos, settings, r::release);
        r.watchdog = watchdog;
        this.body = new ActivityInputStream(response.body(), watchdog);
        this.decoder = codec.decoder(new BodyResponse(response, body), this);
    }

    @Override
    public boolean hasNext() {
        if (!pending.isEmpty()) {
            return true;
        }
        // Only the caller's close ends quietly; a watchdog release surfaces as a timeout from the read below.
        if (ended || release.closedByCaller) {
            return false;
        }
        try {
            while (pending.isEmpty()) {
                if (!decoder.next(sink)) {
                    ended = true;
                    release(true);
                    return !pending.isEmpty();
                }
            }
            return true;
        } catch (Throwable t) {
            RuntimeException mapped = failure(t);
            if (mapped == null) {
                return false; // the caller closed the stream: an end, not an error
            }
            throw mapped;
        }
    }

    @Override
    public LLMEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        return pending.poll();
    }

    private void accept(LLMEvent event) {
        if (event instanceof LLMEvent.Token t) {
            partial.append(t.text());
            contentSeen();
        } else {
            keep(event);
        }
        pending.add(event);
    }

    /** Keeps what an event other than an answer token adds to the partial result. */
    private void keep(LLMEvent event) {
        switch (event) {
            case LLMEvent.Thinking t -> thinking.append(t.text());
            case LLMEvent.Refusal r -> refusal.append(r.text());
            case LLMEvent.ToolCallDelta d -> callsBeingWritten.add(d);
            case LLMEvent.ToolCall c -> {
                callsBeingWritten.remove(c.index());
                finishedCalls.add(c);
            }
            case LLMEvent.Usage u -> usage = u;
            default -> { }
        }
        if (isContent(event)) {
            contentSeen();
        }
    }

    /**
     * Whether {@code event} is something the model wrote: thinking, a refusal, or a tool call being written or
     * complete. A model that thinks or writes a tool call is working, so it meets the first-token limit as answer
     * text does; usage, a finish reason and unmodelled data (keep-alives, filter results) do not.
     */
    private static boolean isContent(LLMEvent event) {
        return event instanceof LLMEvent.Thinking || event instanceof LLMEvent.ToolCallDelta
                || event instanceof LLMEvent.ToolCall || event instanceof LLMEvent.Refusal;
    }

    private void contentSeen() {
        if (!contentSeen) { // one plain read per token once seen, rather than a volatile write
            contentSeen = true;
            watchdog.tokenSeen();
        }
    }

    /** Releases the connection and returns the error to throw, or {@code null} when the caller closed. */
    private RuntimeException failure(Throwable t) {
        ended = true;
        pending.clear();
        boolean interrupted = Thread.currentThread().isInterrupted() || t instanceof InterruptedIOException;
        release();
        if (release.closedByCaller) {
            return null;
        }
        LLMTimeoutException.Kind expired = watchdog.expired();
        if (expired != null) {
            return new LLMTimeoutException(provider, expired, watchdog.limit(expired), partial(), t);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            return new CancelledException(provider, partial(), t);
        }
        if (t instanceof LLMException e) {
            return e;
        }
        if (t instanceof SseException e) {
            return malformed("SSE event larger than the limit", e.getMessage(), e);
        }
        if (t instanceof IOException || t instanceof UncheckedIOException) {
            Throwable io = t instanceof UncheckedIOException u ? u.getCause() : t;
            return new TruncatedStreamException(provider, "connection lost mid-stream: "
                    + HttpErrors.redact(String.valueOf(io.getMessage()), secret), partial(), io);
        }
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new LLMException(provider, 0, t.toString(), partial(), t);
    }

    private void release() {
        release(false);
    }

    private void release(boolean atContentEnd) {
        release.release(atContentEnd);
        cleanable.clean(); // the action sees released == true and does nothing
    }

    @Override
    public void close() {
        release.closedByCaller = true;
        release();
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String secret() {
        return secret;
    }

    @Override
    public PartialResult partial() {
        List<LLMEvent.ToolCall> calls = finishedCalls;
        if (!callsBeingWritten.isEmpty()) {
            calls = new ArrayList<>(finishedCalls);
            calls.addAll(callsBeingWritten.snapshot());
        }
        return new PartialResult(partial.toString(), thinking.toString(), refusal.toString(), calls, usage);
    }

    @Override
    public String partialText() {
        return partial.toString();
    }

    @Override
    public void usageReported(LLMEvent.Usage usage) {
        this.usage = usage;
    }

    @Override
    public int maxEventBytes() {
        return maxEventBytes;
    }

    /** The response as a decoder sees it: its body is the watched one. */
    private record BodyResponse(TransportResponse response, InputStream body) implements TransportResponse {
        @Override
        public int status() {
            return response.status();
        }

        @Override
        public java.util.Map<String, java.util.List<String>> headers() {
            return response.headers();
        }

        @Override
        public void close() {
            response.close();
        }

        @Override
        public void closeAtContentEnd() {
            response.closeAtContentEnd();
        }
    }
}
