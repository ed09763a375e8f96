package io.synapsekit.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.synapsekit.internal.Observers;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a stream of events or tokens as a Server-Sent Events response, the way browsers and proxies need it:
 * {@code Content-Type: text/event-stream; charset=utf-8}, {@code Cache-Control: no-cache},
 * {@code X-Accel-Buffering: no} (nginx would otherwise buffer the answer), a flush after every event, a
 * keep-alive comment whenever the source has been silent for {@link Builder#keepAlive(Duration) a while}, an id
 * on every event, a final {@code data: [DONE]}, and an {@code event: error} (JSON {@code {"message":…}}) before
 * it when the source fails.
 *
 * <p>It needs only an {@link SseSink} (headers and an {@link OutputStream}), so it serves a servlet, the JDK
 * {@code HttpServer} or any other server, and any source: an LLM's tokens, a RAG answer, a graph's
 * {@code sseStream}. The calling (request) thread reads the source and writes each event as it comes, while a
 * virtual thread of the response's own sends the keep-alives (a resumable stream's source runs on a thread of its
 * own, feeding the replay buffer); each call blocks until the response is finished and returns how it ended.
 *
 * <p><b>A client that goes away stops the work.</b> When a write fails, the source stream is closed at once,
 * which cancels the LLM's HTTP request or stops the graph run, so nobody pays for tokens nobody reads. A client
 * that disconnects while the model is silent is noticed at the next keep-alive, or at once by a server that can
 * tell: interrupting the thread blocked in {@link #stream} or {@link #resume} ends it as if a write had failed
 * ({@link SseOutcome#CLIENT_GONE}, the interrupt flag left set).
 *
 * <p><b>Resumable streams.</b> With a {@linkplain Builder#replay(SseReplayBuffer) replay buffer}, ids name the
 * stream ({@code <stream>-<n>}, the stream part random and unguessable) and every event goes through the buffer.
 * A browser's {@code EventSource} that loses its connection reconnects with {@code Last-Event-ID}: pass it to
 * {@link #resume(SseSink, String)} and the client receives the rest of the same answer without a second LLM call.
 * The answer keeps running for {@link Builder#resumeGrace(Duration) a short grace} after its last client went
 * away, then it is cancelled as above; the {@code retry} hint sent first makes browsers reconnect within it.
 * With a buffer shared by several servers (Redis, in {@code synapsekit-redis}) the client may reconnect to any of
 * them, and the answer keeps running while a client on any server reads it (see
 * {@link SseReplayBuffer#hasReaders}).
 *
 * <p><b>Stopping.</b> {@link #stop(String)} stops a resumable answer from anywhere its {@link StreamControl}
 * reaches: this process by default, every server sharing the store when the replay buffer is also a
 * {@code StreamControl} (as the Redis one is). The source is closed, which cancels the LLM call, and the stream's
 * clients receive what was produced, then {@code [DONE]}.
 *
 * <p><b>Observed.</b> With {@linkplain Builder#listener listeners}, each answer is {@link Work#SERVE_SSE} work
 * ({@code "stream"}, or {@code "resume"} for a reconnected client), child of what is current on the calling
 * thread (a container's request span) and current where the source is read. Pass the source as a
 * {@link Supplier} ({@link #stream(SseSink, Supplier)}) to create it inside the answer's context too, so that the
 * graph run or LLM call it starts is the answer's child.
 *
 * <pre>{@code
 * SseResponse sse = SseResponse.create();
 * sse.streamTokens(SseSink.of(response::setHeader, response::getOutputStream), llm.stream(question));
 * }</pre>
 *
 * <p>Immutable and thread-safe: one instance serves every request.
 */
public final class SseResponse {

    /** The keep-alive interval unless set: 15 seconds, well below the usual proxy idle timeouts. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);
    /** How long an answer of a resumable stream keeps running with no client: 500 ms unless set, twice the retry. */
    public static final Duration DEFAULT_RESUME_GRACE = Duration.ofMillis(500);
    /** The reconnection time sent to clients of resumable streams: 250 ms unless set. */
    public static final Duration DEFAULT_RETRY = Duration.ofMillis(250);

    static final String DONE = "[DONE]";
    private static final Logger log = LoggerFactory.getLogger(SseResponse.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_ERROR_MESSAGE = 500;
    /** How often, at least, an answer without a local client asks a shared buffer for readers elsewhere. */
    private static final long MIN_READER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Duration keepAlive;
    private final @Nullable SseReplayBuffer replay;
    private final Duration resumeGrace;
    private final @Nullable Duration retry;
    private final Function<Throwable, @Nullable String> errorMessage;
    private final boolean sendDone;
    private final StreamControl control;
    private final List<LLMListener> listeners;
    /** The answers of resumable streams still running in this process, by stream id. */
    private final ConcurrentHashMap<String, Production> running = new ConcurrentHashMap<>();

    private SseResponse(Builder b) {
        this.keepAlive = b.keepAlive;
        this.replay = b.replay;
        this.resumeGrace = b.resumeGrace;
        this.retry = b.retry != null ? b.retry : b.replay != null ? DEFAULT_RETRY : null;
        this.errorMessage = b.errorMessage;
        this.sendDone = b.sendDone;
        this.listeners = Observers.with(b.listeners);
        this.control = b.control != null ? b.control
                : b.replay instanceof StreamControl shared ? shared : StreamControl.inProcess();
    }

    /** Returns a response with the defaults: keep-alive every 15 s, not resumable. */
    public static SseResponse create() {
        return builder().build();
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns whether streams can be resumed, that is, whether a replay buffer is set. */
    public boolean isResumable() {
        return replay != null;
    }

    /** Returns the keep-alive interval. */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Returns what stops this response's resumable answers and finds them by key. */
    public StreamControl control() {
        return control;
    }

    /**
     * Requests that the resumable answer that event {@code eventId} belongs to (an id this response gave, as a
     * client's {@code Last-Event-ID} holds it) stop, on whichever server produces it. Returns at once; the
     * producer closes the answer's source, which cancels the LLM call, and its clients receive {@code [DONE]}.
     *
     * @return {@code false}, doing nothing, when this response is not resumable or {@code eventId} is not in the
     *     form of its ids; {@code true} when the stop was requested (an answer already finished is left as it is)
     */
    public boolean stop(String eventId) {
        Objects.requireNonNull(eventId, "eventId");
        if (replay == null) {
            return false;
        }
        Optional<String> streamId = streamIdOf(eventId);
        streamId.ifPresent(control::stop);
        return streamId.isPresent();
    }

    /**
     * Streams {@code tokens}, each as one {@code message} event, then {@code [DONE]}. Closes {@code tokens}.
     *
     * @see #stream(SseSink, Stream)
     */
    public SseOutcome streamTokens(SseSink sink, Stream<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return serve(sink, () -> tokens, SseEvent::message);
    }

    /**
     * Streams the tokens {@code tokens} supplies, as {@link #streamTokens(SseSink, Stream)} does; the stream is
     * created inside the answer's observed context, so the LLM call it starts is the answer's child.
     *
     * @throws RuntimeException what {@code tokens} threw, before anything was written
     */
    public SseOutcome streamTokens(SseSink sink, Supplier<? extends Stream<String>> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return serve(sink, tokens, SseEvent::message);
    }

    /**
     * Streams {@code events} to {@code sink}, blocking until the source is done or the client went away. Events
     * keep their type and data; comments from the source are dropped (keep-alives are this class's job); an id is
     * set on each event (when not resumable, an id the source chose is kept). {@code [DONE]} is added unless the
     * source ended with it. Closes {@code events}; the source must allow {@code close()} from another thread, as
     * every SynapseKit stream does.
     *
     * @implNote The source is read on the calling thread, which writes each event as it comes: no hand-off per
     *     event. Keep-alives go out from a virtual thread of the response's own while the source is silent; one that
     *     cannot be written closes the source, which wakes the calling thread blocked in it.
     */
    public SseOutcome stream(SseSink sink, Stream<SseEvent> events) {
        Objects.requireNonNull(events, "events");
        return serve(sink, () -> events, Function.identity());
    }

    /**
     * Streams the events {@code events} supplies, as {@link #stream(SseSink, Stream)} does; the stream is created
     * inside the answer's observed context, so the graph run or LLM call it starts is the answer's child.
     *
     * @throws RuntimeException what {@code events} threw, before anything was written
     */
    public SseOutcome stream(SseSink sink, Supplier<? extends Stream<SseEvent>> events) {
        Objects.requireNonNull(events, "events");
        return serve(sink, events, Function.identity());
    }

    /**
     * Streams {@code events} as resumable stream {@code streamId}, as {@link #stream(SseSink, Stream)} does, for
     * callers that must know the stream's id before it starts: another request can then replay it from its first
     * event with {@link #resume(SseSink, String) resume(sink, streamId + "-0")} (ids are {@code <stream>-<n>}).
     *
     * @param streamId the stream's id; use {@link #newStreamId()}, which is random and unguessable, since whoever
     *     knows it can read the answer
     * @throws IllegalStateException when this response has no replay buffer
     * @throws IllegalArgumentException when {@code streamId} is blank or is running already
     */
    public SseOutcome stream(SseSink sink, Stream<SseEvent> events, String streamId) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(streamId, "streamId");
        if (replay == null) {
            throw new IllegalStateException("a stream id needs a resumable response: set SseResponse.Builder.replay");
        }
        if (streamId.isBlank()) {
            throw new IllegalArgumentException("streamId must not be blank");
        }
        if (running.containsKey(streamId)) {
            throw new IllegalArgumentException("stream " + streamId + " is running already");
        }
        return streamResumable(sink, events, streamId, Observers.work(listeners, new Work(Work.SERVE_SSE, "stream")));
    }

    /** Returns a new random, unguessable stream id: 22 URL-safe Base64 characters (128 bits). */
    public static String newStreamId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private <T> SseOutcome serve(SseSink sink, Supplier<? extends Stream<T>> sources, Function<T, SseEvent> toEvent) {
        Objects.requireNonNull(sink, "sink");
        WorkListener work = Observers.work(listeners, new Work(Work.SERVE_SSE, "stream")); // the request's child
        Stream<T> source;
        try (Scope scope = work.enter()) {
            source = Objects.requireNonNull(sources.get(), "the source supplier returned null");
        } catch (RuntimeException e) {
            work.finished(e);
            throw e;
        }
        if (replay != null) {
            return streamResumable(sink, source.map(toEvent), newStreamId(), work);
        }
        SseWriter writer;
        try {
            writer = open(sink);
        } catch (IOException | UncheckedIOException e) {
            source.close();
            log.debug("SSE client gone before the stream started", e);
            work.finished(new CancellationException("SSE client gone before the stream started"));
            return SseOutcome.CLIENT_GONE;
        }
        Numbering ids = new Numbering(null);
        SseKeepAlive keepAlive = SseKeepAlive.start(writer, this.keepAlive, source::close);
        SseOutcome outcome = SseOutcome.FAILED;
        try (Scope scope = work.enter()) { // a lazy source starts its LLM call here: the answer's child
            outcome = relay(writer, source.spliterator(), toEvent, ids, keepAlive);
            return outcome;
        } finally {
            if (keepAlive.stop()) { // before the response is finished: a container may reuse it then
                Thread.interrupted(); // the failed keep-alive's interrupt, which has done its job
            }
            source.close(); // stops a source left unfinished (the client went away): cancels the LLM call
            closeQuietly(writer);
            work.finished(failureOf(outcome, ids));
        }
    }

    /** Returns why an answer that ended with {@code outcome} did not complete, or {@code null} when it did. */
    private static @Nullable Throwable failureOf(SseOutcome outcome, Numbering ids) {
        return switch (outcome) {
            case COMPLETED, NOTHING_TO_RESUME -> null;
            case CLIENT_GONE -> new CancellationException("the SSE client went away");
            case FAILED -> ids.failure != null ? ids.failure : new SseAnswerException("the source sent an error event");
        };
    }

    /**
     * Continues a resumable stream for a client that reconnected with {@code lastEventId} (the
     * {@code Last-Event-ID} request header): the events after that one, then the rest as it is produced.
     *
     * @return {@link SseOutcome#NOTHING_TO_RESUME}, having written nothing, when there is no replay buffer, the id
     *     is {@code null} (the request had no such header) or not one of this response's, or the stream is
     *     unknown, expired or already fully sent; answer {@code 204} then
     */
    public SseOutcome resume(SseSink sink, @Nullable String lastEventId) {
        Objects.requireNonNull(sink, "sink");
        if (replay == null || lastEventId == null) {
            return SseOutcome.NOTHING_TO_RESUME;
        }
        Optional<String> id = streamIdOf(lastEventId);
        if (id.isEmpty()) {
            return SseOutcome.NOTHING_TO_RESUME;
        }
        String streamId = id.get();
        long seq = Long.parseLong(lastEventId.substring(streamId.length() + 1));
        Optional<SseReplayBuffer.Slice> peek;
        try {
            peek = replay.read(streamId, seq, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SseOutcome.CLIENT_GONE;
        } catch (SseReplayException e) {
            log.warn("SSE stream {} cannot be resumed: {}", streamId, e.getMessage());
            try {
                SseWriter writer = open(sink);
                writeEnd(writer, streamId, e.getMessage());
                closeQuietly(writer);
                return SseOutcome.FAILED;
            } catch (IOException | UncheckedIOException gone) {
                return SseOutcome.CLIENT_GONE;
            }
        }
        if (peek.isEmpty() || (peek.get().complete() && peek.get().events().isEmpty())) {
            return SseOutcome.NOTHING_TO_RESUME;
        }
        Production production = running.get(streamId);
        if (production != null) {
            production.attach();
        }
        WorkListener work = Observers.work(listeners, new Work(Work.SERVE_SSE, "resume"));
        SseOutcome outcome = SseOutcome.CLIENT_GONE;
        try {
            SseWriter writer = open(sink);
            log.debug("SSE stream {} resumed after event {}", streamId, seq);
            outcome = relayFromBuffer(writer, streamId, seq);
            return outcome;
        } catch (IOException | UncheckedIOException e) {
            return SseOutcome.CLIENT_GONE;
        } finally {
            if (production != null) {
                production.detach();
            }
            work.finished(failureOf(outcome, new Numbering(null)));
        }
    }

    @Override
    public String toString() {
        return "SseResponse{keepAlive=" + keepAlive + ", replay=" + replay + ", resumeGrace=" + resumeGrace
                + ", retry=" + retry + ", sendDone=" + sendDone + '}';
    }

    /** Returns the stream part of event id {@code <stream>-<n>}, or empty when the id is not in that form. */
    private static Optional<String> streamIdOf(String eventId) {
        int dash = eventId.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(eventId.substring(dash + 1)) < 0) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(eventId.substring(0, dash));
    }

    /** Ends a stream that cannot go on, with an id that {@link #resume} refuses: a reconnect then gets 204. */
    private void writeEnd(SseWriter writer, String streamId, String why) {
        String endId = streamId + "-end";
        writer.write(SseEvent.of("error", errorJson(why)).withId(endId));
        writer.write(SseEvent.message(DONE).withId(endId));
    }

    private SseWriter open(SseSink sink) throws IOException {
        return open(sink, null);
    }

    /**
     * Opens the response; {@code firstId}, when given, goes in the first block with the retry time: a block with
     * an id and no data sets the browser's last event id without dispatching an event, so a client cut before the
     * first token still reconnects with {@code Last-Event-ID} and resumes instead of asking again.
     */
    private SseWriter open(SseSink sink, @Nullable String firstId) throws IOException {
        sink.header("Content-Type", "text/event-stream; charset=utf-8");
        sink.header("Cache-Control", "no-cache");
        sink.header("X-Accel-Buffering", "no");
        OutputStream body = Objects.requireNonNull(sink.open(), "SseSink.open() returned null");
        SseWriter writer = new SseWriter(body);
        if (retry != null && firstId != null) {
            body.write(("retry: " + retry.toMillis() + "\nid: " + firstId + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.flush();
        } else if (retry != null) {
            writer.retry(retry);
        } else {
            // Commits the status and headers now, so the client sees the stream open before the first token.
            writer.flush();
        }
        return writer;
    }

    // ---- not resumable: this thread reads the source and writes; a keep-alive thread covers its silences ----

    private <T> SseOutcome relay(SseWriter writer, Spliterator<T> source, Function<T, SseEvent> toEvent,
            Numbering ids, SseKeepAlive keepAlive) {
        Iterator<T> items = Spliterators.iterator(source);
        boolean failed = false;
        try {
            while (true) {
                boolean more;
                try {
                    more = items.hasNext();
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted() || keepAlive.clientGone()) {
                        // the container interrupted this thread, or a keep-alive failed and closed the source:
                        // the client left, which is not the source's failure
                        return SseOutcome.CLIENT_GONE;
                    }
                    log.warn("SSE source failed; sending an error event", e);
                    ids.failure = e;
                    writer.write(ids.number(errorEvent(e)));
                    if (sendDone && !ids.doneSent) {
                        writer.write(ids.number(SseEvent.message(DONE)));
                    }
                    keepAlive.stop();
                    writer.close();
                    return SseOutcome.FAILED;
                }
                if (!more) {
                    if (Thread.currentThread().isInterrupted() || keepAlive.clientGone()) {
                        return SseOutcome.CLIENT_GONE; // a source may end quietly when interrupted or closed
                    }
                    if (sendDone && !ids.doneSent) {
                        writer.write(ids.number(SseEvent.message(DONE)));
                    }
                    keepAlive.stop();
                    writer.close();
                    return failed ? SseOutcome.FAILED : SseOutcome.COMPLETED;
                }
                SseEvent event = toEvent.apply(items.next());
                if (!event.isComment()) {
                    failed |= event.event().equals("error");
                    writer.write(ids.number(event));
                    keepAlive.wrote();
                }
            }
        } catch (UncheckedIOException e) {
            log.debug("SSE client gone; closing the source", e);
            return SseOutcome.CLIENT_GONE;
        } catch (CancellationException e) {
            // This thread was interrupted (the container saw the client leave): the bridge kept the flag set.
            return SseOutcome.CLIENT_GONE;
        }
    }

    // ---- resumable: the source feeds the replay buffer; every connection reads from it ----

    private SseOutcome streamResumable(SseSink sink, Stream<SseEvent> events, String streamId, WorkListener work) {
        SourcePump pump = new SourcePump(events, streamId, work);
        Production production = new Production(streamId, pump);
        replay.begin(streamId);
        running.put(streamId, production);
        production.attach();
        SseWriter writer;
        try {
            writer = open(sink, streamId + "-0");
        } catch (IOException | UncheckedIOException e) {
            running.remove(streamId);
            replay.discard(streamId);
            events.close();
            work.finished(new CancellationException("SSE client gone before the stream started"));
            return SseOutcome.CLIENT_GONE;
        }
        production.start();
        try {
            return relayFromBuffer(writer, streamId, 0);
        } finally {
            production.detach();
        }
    }

    private SseOutcome relayFromBuffer(SseWriter writer, String streamId, long afterSeq) {
        long after = afterSeq;
        boolean failed = false;
        Registration reading = Registration.NONE;
        try {
            reading = replay.reading(streamId, resumeGrace);
            while (true) {
                Optional<SseReplayBuffer.Slice> read = replay.read(streamId, after, keepAlive);
                if (read.isEmpty() || read.get().gap()) {
                    writeEnd(writer, streamId, "the stream can no longer be resumed: "
                            + (read.isEmpty() ? "it expired" : "events after " + after + " were dropped"));
                    return SseOutcome.FAILED;
                }
                SseReplayBuffer.Slice slice = read.get();
                if (slice.events().isEmpty() && !slice.complete()) {
                    writer.comment("keep-alive");
                    continue;
                }
                for (SseEvent e : slice.events()) {
                    failed |= e.event().equals("error");
                    writer.write(e);
                }
                after = slice.lastSeq();
                if (slice.complete()) {
                    return failed ? SseOutcome.FAILED : SseOutcome.COMPLETED;
                }
            }
        } catch (UncheckedIOException e) {
            log.debug("SSE client of stream {} gone after event {}", streamId, after, e);
            return SseOutcome.CLIENT_GONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SseOutcome.CLIENT_GONE;
        } catch (SseReplayException e) {
            log.warn("SSE stream {} ends after event {}: {}", streamId, after, e.getMessage());
            try {
                writeEnd(writer, streamId, e.getMessage());
                return SseOutcome.FAILED;
            } catch (UncheckedIOException gone) {
                return SseOutcome.CLIENT_GONE;
            }
        } finally {
            closeQuietly(writer); // first: the client's response ends even if a failing store is slow to answer
            reading.close();
        }
    }

    private String errorJson(String message) {
        String shown = message.length() > MAX_ERROR_MESSAGE ? message.substring(0, MAX_ERROR_MESSAGE) + "…" : message;
        return "{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(shown)) + "\"}";
    }

    private static void closeQuietly(SseWriter writer) {
        try {
            writer.close();
        } catch (UncheckedIOException e) {
            // the client is gone; nothing to tell it
        }
    }

    /** Gives each event of one response its id and notes whether {@code [DONE]} went out. Not thread-safe. */
    private static final class Numbering {
        private final @Nullable String streamId;
        long seq;
        boolean doneSent;
        /** Why the source failed, when it threw. */
        @Nullable Throwable failure;

        /** Numbers {@code <stream>-<n>} when resumable ({@code streamId} not null), else {@code n}. */
        Numbering(@Nullable String streamId) {
            this.streamId = streamId;
        }

        SseEvent number(SseEvent event) {
            doneSent |= isDone(event);
            seq++;
            if (streamId != null) {
                return event.withId(streamId + "-" + seq);
            }
            return event.id().isEmpty() ? event.withId(Long.toString(seq)) : event;
        }

        static boolean isDone(SseEvent event) {
            return event.event().equals("message") && event.data().equals(DONE);
        }
    }

    private SseEvent errorEvent(Throwable e) {
        String message;
        try {
            message = errorMessage.apply(e);
        } catch (RuntimeException mapperFailure) {
            message = null;
        }
        return SseEvent.of("error", errorJson(message == null || message.isBlank() ? "the stream failed" : message));
    }

    /**
     * Runs the source of a resumable stream on its production thread, into the replay buffer: skips its comments,
     * numbers its events, turns a failure into an {@code error} event, and ends with {@code [DONE]} unless the
     * source did.
     */
    private final class SourcePump {
        private final Stream<SseEvent> source;
        private final Numbering ids;
        private final WorkListener work;
        private volatile boolean abandoned;
        private volatile boolean stopped;
        private final ReentrantLock interruptLock = new ReentrantLock();
        private boolean sourceDone;

        SourcePump(Stream<SseEvent> source, String streamId, WorkListener work) {
            this.source = source;
            this.ids = new Numbering(streamId);
            this.work = work;
        }

        /** Stops the source from another thread: closing it cancels an LLM request or a graph run. */
        void cancel(boolean requested) {
            stopped |= requested;
            abandoned = true;
            source.close();
        }

        /** Interrupts {@code thread}, which runs this pump, only while it still reads the source. */
        void interruptSource(Thread thread) {
            interruptLock.lock();
            try {
                if (!sourceDone) {
                    thread.interrupt();
                }
            } finally {
                interruptLock.unlock();
            }
        }

        void run(String streamId) {
            try {
                produce(streamId);
            } finally {
                work.finished(ids.failure != null ? ids.failure
                        : abandoned ? new CancellationException(stopped ? "the answer was stopped"
                                : "no SSE client was reading") : null);
            }
        }

        private void produce(String streamId) {
            try (source; Scope scope = work.enter()) { // the source is read inside the answer's context
                Iterator<SseEvent> it = source.iterator();
                while (!abandoned && it.hasNext()) {
                    SseEvent event = it.next();
                    if (!event.isComment()) {
                        append(streamId, event);
                    }
                }
            } catch (RuntimeException e) {
                if (abandoned || Thread.currentThread().isInterrupted()) {
                    log.debug("SSE source ended after its client went away or a stop", e);
                } else {
                    log.warn("SSE source failed; sending an error event", e);
                    ids.failure = e;
                    append(streamId, errorEvent(e));
                }
            }
            // The interrupt that woke a blocked source has done its job, and none may come after it: a shared
            // buffer writes the last events over a socket, which an interrupted virtual thread would close.
            interruptLock.lock();
            try {
                sourceDone = true;
            } finally {
                interruptLock.unlock();
            }
            Thread.interrupted();
            if (stopped) {
                log.debug("SSE stream {} stopped on request", streamId);
            } else if (abandoned && !ids.doneSent) {
                // A resumable answer cancelled for want of a client still ends properly for a late resume.
                append(streamId, SseEvent.of("error", errorJson("the answer was cancelled: no client was reading")));
            }
            if (sendDone && !ids.doneSent) {
                append(streamId, SseEvent.message(DONE));
            }
        }

        private void append(String streamId, SseEvent event) {
            SseEvent numbered = ids.number(event);
            replay.append(streamId, ids.seq, numbered);
        }
    }

    /** A resumable answer in this process: counts its readers, cancels it a grace after the last one left. */
    private final class Production {
        final String streamId;
        final SourcePump pump;
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        int readers;
        boolean finished;
        private volatile @Nullable Thread thread;
        private volatile Registration stopListener = Registration.NONE;

        Production(String streamId, SourcePump pump) {
            this.streamId = streamId;
            this.pump = pump;
        }

        /** Starts the source on a virtual thread of its own, writing into the replay buffer. */
        void start() {
            try {
                stopListener = control.onStop(streamId, () -> cancel(true));
            } catch (RuntimeException e) {
                log.warn("SSE stream {} cannot be stopped from elsewhere: {}", streamId, e.toString());
            }
            thread = Thread.ofVirtual().name("synapsekit-sse-" + streamId).start(() -> {
                try {
                    pump.run(streamId);
                } finally {
                    stopListener.close();
                    replay.complete(streamId);
                    running.remove(streamId);
                    finished();
                }
            });
        }

        /**
         * Stops the source: closing it cancels an LLM request or a graph run; the interrupt wakes a blocked one.
         * {@code requested}: an explicit stop, not the want of a client.
         */
        void cancel(boolean requested) {
            pump.cancel(requested);
            Thread t = thread;
            if (t != null) {
                pump.interruptSource(t);
            }
        }

        void attach() {
            lock.lock();
            try {
                readers++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void detach() {
            lock.lock();
            try {
                readers--;
                if (readers > 0 || finished) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            Thread.ofVirtual().name("synapsekit-sse-grace-" + streamId).start(this::cancelUnlessResumed);
        }

        void finished() {
            lock.lock();
            try {
                finished = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void cancelUnlessResumed() {
            long wait = resumeGrace.toNanos();
            do {
                long remaining = wait;
                lock.lock();
                try {
                    while (readers == 0 && !finished && remaining > 0) {
                        remaining = changed.awaitNanos(remaining);
                    }
                    if (readers > 0 || finished) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } finally {
                    lock.unlock();
                }
                // A client may read this answer on another server sharing the buffer: ask again a grace later.
                wait = Math.max(resumeGrace.toNanos(), MIN_READER_POLL_NANOS);
            } while (readersElsewhere());
            log.debug("no client resumed SSE stream {} within {}; cancelling its source", streamId, resumeGrace);
            cancel(false);
        }

        private boolean readersElsewhere() {
            try {
                return replay.hasReaders(streamId);
            } catch (RuntimeException e) {
                log.debug("cannot ask the replay buffer for readers of SSE stream {}; cancelling", streamId, e);
                return false;
            }
        }
    }

    /** A builder of {@link SseResponse}; not thread-safe. */
    public static final class Builder {
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private @Nullable SseReplayBuffer replay;
        private Duration resumeGrace = DEFAULT_RESUME_GRACE;
        private @Nullable Duration retry;
        private Function<Throwable, @Nullable String> errorMessage = Throwable::getMessage;
        private boolean sendDone = true;
        private @Nullable StreamControl control;
        private final List<LLMListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a listener that observes each answer as {@link Work#SERVE_SSE} work, the parent of what its source
         * starts (see {@link SseResponse#stream(SseSink, Supplier)}). Listeners found with
         * {@link java.util.ServiceLoader} observe every response without being added.
         */
        public Builder listener(LLMListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets whether a stream ends with {@code data: [DONE]} unless its source sent it (by default it does). Turn
         * it off for protocols whose every {@code data:} line must be JSON, such as AG-UI.
         */
        public Builder sendDone(boolean send) {
            this.sendDone = send;
            return this;
        }

        /**
         * Sets what {@link SseResponse#stop(String)} goes through and where each answer listens for a stop; unless
         * set, the replay buffer when it is a {@link StreamControl} (reaching every server that shares it), else
         * {@link StreamControl#inProcess()}.
         */
        public Builder control(StreamControl control) {
            this.control = Objects.requireNonNull(control, "control");
            return this;
        }

        /** Sets how long the stream may stay silent before a keep-alive comment is sent; must be positive. */
        public Builder keepAlive(Duration interval) {
            this.keepAlive = positive(interval, "keepAlive");
            return this;
        }

        /** Makes streams resumable through {@code buffer}, e.g. {@link InMemorySseReplayBuffer#create()}. */
        public Builder replay(SseReplayBuffer buffer) {
            this.replay = Objects.requireNonNull(buffer, "buffer");
            return this;
        }

        /** Sets how long a resumable answer keeps running after its last client went away. */
        public Builder resumeGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("resumeGrace must not be negative: " + grace);
            }
            this.resumeGrace = grace;
            return this;
        }

        /**
         * Sets the reconnection time sent as the stream's first block ({@code retry:}); unless set, resumable
         * streams send {@link #DEFAULT_RETRY} and others send none (browsers then wait about 3 s).
         */
        public Builder retry(Duration retry) {
            Objects.requireNonNull(retry, "retry");
            if (retry.isNegative()) {
                throw new IllegalArgumentException("retry must not be negative: " + retry);
            }
            this.retry = retry;
            return this;
        }

        /**
         * Sets what the {@code error} event tells the client about a failure; by default the exception's message
         * (SynapseKit's exceptions never carry secrets; map others if theirs may reveal internals). A {@code null}
         * or blank message, or a mapping that throws, sends {@code "the stream failed"}.
         */
        public Builder errorMessage(Function<Throwable, @Nullable String> errorMessage) {
            this.errorMessage = Objects.requireNonNull(errorMessage, "errorMessage");
            return this;
        }

        /** Returns the response. */
        public SseResponse build() {
            return new SseResponse(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
