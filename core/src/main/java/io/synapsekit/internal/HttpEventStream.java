package io.synapsekit.internal;

import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.leak.Cleaners;
import io.synapsekit.internal.leak.LeakWarning;
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
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one streaming HTTP response, read on the caller's thread.
 *
 * <p>Holds the connection until the end marker, a failure, or {@link #close()}; each releases it. An abandoned
 * stream (never closed, no longer reachable) is released by a {@link Cleaner}, with a {@link LeakWarning}. Failures become
 * typed {@link LLMException}s carrying the {@link PartialResult} decoded so far.
 *
 * <p>An error the provider reports inside the stream that passes with time (overloaded, rate limited, a server
 * error) is retried while no content was decoded: the failed exchange is released, the request sent again after
 * the client's back-off, within what is left of its retry budget, and reading goes on from the new response. The
 * caller sees one answer.
 */
final class HttpEventStream implements CloseableIterator<LLMEvent>, StreamContext {

    private static final Logger log = LoggerFactory.getLogger(HttpEventStream.class);
    private static final LeakWarning LEAK = new LeakWarning(HttpEventStream.class);

    /** How the stream sends its request again: the client's back-off and its send loop. */
    interface Retries {
        /** Returns how long to wait before attempt {@code attempt + 1}, or empty when {@code failure} stands. */
        Optional<Duration> delay(LLMException failure, int attempt);

        /** Sends the request as attempt {@code attempt} (and later ones), until a successful response. */
        HttpLLMClient.Connected resend(int attempt);
    }

    private final String provider;
    private final @Nullable String secret;
    private final int maxEventBytes;
    private final Retries retries;
    private final ClientSettings settings;
    private final ProviderCodec codec;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    // The current attempt's; replaced only by a retry, on the reading thread.
    private StreamWatchdog watchdog;
    private EventDecoder decoder;
    private int attempt;
    private final ArrayDeque<LLMEvent> pending = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    // The rest of the partial result; written only for events other than answer tokens.
    private final StringBuilder thinking = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final List<LLMEvent.ToolCall> finishedCalls = new ArrayList<>();
    private final ToolCallAssembler callsBeingWritten = new ToolCallAssembler();
    private LLMEvent.@Nullable Usage usage;
    private boolean ended;
    private boolean contentSeen; // any content decoded: the first-token limit is met, and no retry is safe
    private final java.util.function.Consumer<LLMEvent> sink = this::accept; // one, not one per read
    private final @Nullable ReadScope readScope; // an observed call's context around each read, or null

    /** One attempt's response and its watchdog: what a failed attempt, the end or a close releases. */
    private static final class Exchange {
        private final TransportResponse response;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile @Nullable StreamWatchdog watchdog;

        Exchange(TransportResponse response) {
            this.response = response;
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
    }

    /**
     * What must be released, kept apart from the stream so the cleaner and the watchdog can reach it without
     * keeping the stream reachable.
     */
    private static final class Release implements Runnable {
        private final String provider;
        /** Counted down by the caller's close, so that a retry's back-off ends at once. */
        private final CountDownLatch closedSignal = new CountDownLatch(1);
        private volatile @Nullable Exchange current;
        private volatile boolean closedByCaller;
        private volatile boolean finished; // released on purpose: the end, a failure or a close

        Release(String provider) {
            this.provider = provider;
        }

        void finish(boolean atContentEnd) {
            finished = true;
            Exchange x = current;
            if (x != null) {
                x.release(atContentEnd);
            }
        }

        /** Runs when the stream became unreachable without being released. */
        @Override
        public void run() {
            Exchange x = current;
            if (finished || x == null || x.released.get()) {
                return;
            }
            LEAK.warnOnce(provider + ": an LLM stream was never closed nor read to its end; its connection was"
                    + " released by the garbage collector. Use try-with-resources on every stream."
                    + " (This warning is logged once.)");
            x.release(false);
        }
    }

    HttpEventStream(String provider, @Nullable String secret, HttpLLMClient.Connected first, Retries retries,
            ClientSettings settings, ProviderCodec codec, @Nullable ReadScope readScope) {
        this.readScope = readScope;
        this.provider = provider;
        this.secret = secret;
        this.maxEventBytes = settings.maxEventBytes();
        this.retries = retries;
        this.settings = settings;
        this.codec = codec;
        this.release = new Release(provider);
        this.cleanable = Cleaners.SHARED.register(this, release);
        try {
            install(first);
        } catch (RuntimeException | Error e) {
            end(false);
            throw e;
        }
    }

    /**
     * Makes {@code connected} the attempt being read. Returns {@code false}, having released it, when the caller
     * closed the stream meanwhile.
     */
    private boolean install(HttpLLMClient.Connected connected) {
        Exchange x = new Exchange(connected.response());
        release.current = x;
        // A close reads current after setting closedByCaller; this reads closedByCaller after setting current:
        // whichever comes second sees the other's write, so the new response is always released.
        if (release.closedByCaller) {
            x.release(false);
            return false;
        }
        attempt = connected.attempt();
        watchdog = StreamWatchdog.start(connected.startNanos(), settings, () -> x.release(false));
        x.watchdog = watchdog;
        InputStream body = new ActivityInputStream(connected.response().body(), watchdog);
        if (readScope != null) {
            body = new ScopedInputStream(body, readScope);
        }
        decoder = codec.decoder(new BodyResponse(connected.response(), body), this);
        return true;
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
        while (true) {
            try {
                while (pending.isEmpty()) {
                    if (!decoder.next(sink)) {
                        end(true);
                        return !pending.isEmpty();
                    }
                }
                return true;
            } catch (Throwable t) {
                RuntimeException mapped = failure(t);
                if (mapped == null) {
                    end(false);
                    return false; // the caller closed the stream: an end, not an error
                }
                if (retryable(t, mapped)) {
                    try {
                        if (retry((LLMException) mapped)) {
                            continue;
                        }
                        end(false);
                        return false; // closed by the caller during the retry
                    } catch (RuntimeException | Error e) {
                        end(false);
                        throw e;
                    }
                }
                end(false);
                throw mapped;
            }
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

    /**
     * Releases the failed attempt's exchange and returns the error it means, or {@code null} when the caller
     * closed the stream.
     */
    private @Nullable RuntimeException failure(Throwable t) {
        pending.clear();
        boolean interrupted = Thread.currentThread().isInterrupted() || t instanceof InterruptedIOException;
        release.finish(false);
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

    /**
     * Whether {@code mapped} is an error the provider reported inside the stream that passes with time, before
     * any content: as safe to send again as a failure before the headers. Time limits are not retried here: a
     * first-token limit that ran out would only run out again, later.
     */
    private boolean retryable(Throwable t, RuntimeException mapped) {
        return !contentSeen && mapped == t && mapped instanceof LLMException e && e.isRetryable()
                && !(e instanceof LLMTimeoutException);
    }

    /**
     * Sends the request again after {@code failure}, once the back-off has passed, and installs the response.
     * Returns {@code false} when the caller closed the stream meanwhile.
     *
     * @throws LLMException {@code failure} when the budget is spent, or the error of the attempts that followed
     */
    private boolean retry(LLMException failure) {
        Optional<Duration> wait = retries.delay(failure, attempt);
        if (wait.isEmpty()) {
            throw failure;
        }
        log.debug("{}: attempt {} failed inside the stream ({}); retrying in {} ms", provider, attempt + 1,
                failure.getMessage(), wait.get().toMillis());
        if (awaitBackOff(wait.get(), failure)) {
            return false;
        }
        usage = null; // the failed attempt's report; the next one reports its own
        release.finished = false;
        HttpLLMClient.Connected next;
        try {
            next = retries.resend(attempt + 1);
        } catch (LLMException e) {
            e.addSuppressed(failure);
            throw e;
        }
        return install(next);
    }

    /** Waits out a retry's back-off; returns {@code true} when the caller closed the stream meanwhile. */
    private boolean awaitBackOff(Duration wait, LLMException failure) {
        try {
            return release.closedSignal.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancelledException cancelled = new CancelledException(provider, partial(), e);
            cancelled.addSuppressed(failure);
            throw cancelled;
        }
    }

    /** Ends the stream for good: releases the current exchange, and the cleaner's registration. */
    private void end(boolean atContentEnd) {
        ended = true;
        release.finish(atContentEnd);
        cleanable.clean(); // the action sees finished == true and does nothing
    }

    @Override
    public void close() {
        release.closedByCaller = true;
        release.closedSignal.countDown();
        release.finish(false);
        cleanable.clean();
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public @Nullable String secret() {
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
    public void responseReported(@Nullable String id, @Nullable String model) {
        if (readScope != null) {
            readScope.response(id, model);
        }
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
