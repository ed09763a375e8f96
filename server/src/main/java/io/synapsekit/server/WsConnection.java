package io.synapsekit.server;

import io.synapsekit.internal.Observers;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.server.internal.ThreadResumes;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection served with a {@link WsProtocol}, free of any container's types: the container hands
 * it each text message ({@link #received}) and tells it when the socket closed ({@link #close}); it sends frames
 * through {@link Frames}.
 *
 * <p>Messages are only read and queued on the container's thread; a virtual thread of the connection's own
 * answers the questions and resumes in order (up to {@link #MAX_WAITING_QUESTIONS} may wait) and sends the
 * frames; it also reads a resumed thread's checkpoint, which may block. Cancelling
 * (a cancel message, the socket closing, a send that fails) closes the current answer's stream from the calling
 * thread, which cancels the LLM request or stops the graph run and wakes the answering thread at once. A message
 * over {@link #maxMessageChars()} characters or one that cannot be read gets an error frame, and the connection
 * stays usable; a container that delivers messages in parts ({@link #receivedPart}) never has to hold a long one
 * whole, so this holds for any size.
 *
 * <p>Holds one virtual thread until {@link #close()}, which is idempotent and may be called from any thread.
 * {@link #received} and {@link #receivedPart} may be called from one thread at a time (the container's, which
 * may change between calls).
 */
public final class WsConnection implements AutoCloseable {

    /** The longest message accepted unless set: 16,384 characters. */
    public static final int DEFAULT_MAX_MESSAGE_CHARS = 16_384;
    /** How many questions may wait on one connection while an answer streams. */
    public static final int MAX_WAITING_QUESTIONS = 8;
    /** The buffer kept between messages received in parts; a longer one is dropped after its message. */
    private static final int SMALL_MESSAGE_CHARS = 1024;

    private static final Logger log = LoggerFactory.getLogger(WsConnection.class);

    /** Where a connection's frames go: the container's blocking text sender. */
    @FunctionalInterface
    public interface Frames {
        /**
         * Sends one text frame, blocking until the container has taken it.
         *
         * @throws IOException when the socket is gone; the connection then stops its answer
         */
        void send(String text) throws IOException;
    }

    private final String name;
    private final WsProtocol protocol;
    private final WsUpgrade upgrade;
    private final WsProtocol.Codec codec;
    private final Frames frames;
    private final int maxMessageChars;
    /** Questions and resumes, answered in order. */
    private final BlockingQueue<WsProtocol.Message> questions = new ArrayBlockingQueue<>(MAX_WAITING_QUESTIONS);
    /** Frames from the answering thread and error replies from the container's thread must not interleave. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Thread worker;

    /** The message being received in parts, up to the limit, and its length so far; the receiving thread's. */
    private StringBuilder parts = new StringBuilder();
    private long partChars;
    private @Nullable Stream<String> current; // guarded by stateLock
    private boolean currentCancelled; // guarded by stateLock
    private volatile boolean closed;

    private WsConnection(String name, WsProtocol protocol, Frames frames, int maxMessageChars, WsUpgrade upgrade) {
        this.name = name;
        this.protocol = protocol;
        this.upgrade = upgrade;
        this.codec = protocol.codec();
        this.frames = frames;
        this.maxMessageChars = maxMessageChars;
        this.worker = Thread.ofVirtual().name("synapsekit-ws-" + name).unstarted(this::answerQuestions);
    }

    /**
     * Opens a connection and starts its answering thread; the connection's observed work begins here, as the
     * child of whatever context is current on the calling thread (see {@link WsUpgrade} to begin it under the
     * upgrade request instead).
     *
     * @param name names the connection in its thread's name and in logs (the container's session id)
     * @param maxMessageChars the longest message answered; longer ones get an error frame
     */
    public static WsConnection open(String name, WsProtocol protocol, Frames frames, int maxMessageChars) {
        Objects.requireNonNull(protocol, "protocol");
        return open(name, protocol, frames, maxMessageChars, WsUpgrade.begin(protocol));
    }

    /**
     * Opens a connection whose observed work {@code upgrade} began while the upgrade request was handled, and
     * starts its answering thread: each answer is that work's child, and the work ends once the connection has
     * closed and its last answer has ended. If this throws, {@code upgrade} has been ended.
     *
     * @param name names the connection in its thread's name and in logs (the container's session id)
     * @param maxMessageChars the longest message answered; longer ones get an error frame
     * @param upgrade begun with {@link WsUpgrade#begin} for {@code protocol}; the connection owns it from here
     */
    public static WsConnection open(String name, WsProtocol protocol, Frames frames, int maxMessageChars,
            WsUpgrade upgrade) {
        Objects.requireNonNull(upgrade, "upgrade");
        try {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(frames, "frames");
            if (maxMessageChars < 1) {
                throw new IllegalArgumentException("maxMessageChars must be positive: " + maxMessageChars);
            }
            WsConnection connection = new WsConnection(name, protocol, frames, maxMessageChars, upgrade);
            connection.worker.start();
            return connection;
        } catch (RuntimeException | Error e) {
            upgrade.end(e);
            throw e;
        }
    }

    /** Returns the longest message this connection answers, in characters. */
    public int maxMessageChars() {
        return maxMessageChars;
    }

    /**
     * Takes one text message from the client: a question (or, for a graph protocol, a resume) is queued, a cancel
     * stops the current answer.
     */
    public void received(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > maxMessageChars) {
            tooLarge(text.length());
            return;
        }
        switch (codec.read(text, maxMessageChars)) {
            case WsProtocol.Cancel c -> cancelCurrent();
            case WsProtocol.Invalid bad -> send(codec.error(bad.problem(), bad.code(), bad.sessionId()));
            case WsProtocol.Question q -> queue(q, q.sessionId());
            case WsProtocol.Resume r when !protocol.runsGraph() -> send(codec.error(
                    "this endpoint runs no graph, so there is nothing to resume: send a query",
                    WsProtocol.BAD_MESSAGE, r.sessionId()));
            case WsProtocol.Resume r -> queue(r, r.sessionId());
        }
    }

    private void queue(WsProtocol.Message message, String sessionId) {
        if (!questions.offer(message)) {
            send(codec.error("too many questions waiting: at most " + MAX_WAITING_QUESTIONS
                    + " while an answer streams", WsProtocol.BUSY, sessionId));
        }
    }

    /**
     * Takes one part of a text message, as a container's partial-message handler delivers it: the parts are
     * joined up to {@link #maxMessageChars()} characters, and past that only counted and dropped; after the last
     * part the message is taken as by {@link #received}, or, when too long, gets the error frame. So a message of
     * any size costs at most the limit in memory, and the connection stays usable after it.
     */
    public void receivedPart(String part, boolean last) {
        Objects.requireNonNull(part, "part");
        partChars += part.length();
        if (partChars <= maxMessageChars) {
            parts.append(part);
        }
        if (!last) {
            return;
        }
        long chars = partChars;
        String text = chars <= maxMessageChars ? parts.toString() : null;
        partChars = 0;
        if (parts.capacity() > SMALL_MESSAGE_CHARS) {
            parts = new StringBuilder(); // a long message's buffer is not kept for the connection's life
        } else {
            parts.setLength(0);
        }
        if (text == null) {
            tooLarge(chars);
        } else {
            received(text);
        }
    }

    private void tooLarge(long chars) {
        send(codec.error("message too large: " + chars + " characters, at most " + maxMessageChars,
                WsProtocol.TOO_LARGE, null));
    }

    /** Tells the connection its socket closed: stops the current answer and the answering thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        cancelCurrent();
        worker.interrupt();
    }

    private void answerQuestions() {
        try {
            while (!closed) {
                answer(questions.take());
            }
        } catch (InterruptedException e) {
            // the socket closed
        } finally {
            // Here, not in close(): the connection's work ends after its last answer has.
            upgrade.end(null);
        }
    }

    private void answer(WsProtocol.Message question) {
        try (Scope connection = upgrade.enter()) { // the answer is the connection's child
            WorkListener work = Observers.work(protocol.listeners(),
                    new Work(Work.SERVE_WEBSOCKET, protocol.name()));
            Throwable failure = null;
            try (Scope scope = work.enter()) { // the answer's graph run or LLM call starts here: its child
                failure = answerObserved(question);
            } finally {
                work.finished(failure);
            }
        }
    }

    /**
     * Answers {@code question} (a question or a resume); returns why the answer did not complete, or {@code null}
     * when it did. A graph protocol's answer is whole frames, ending with its own done, interrupt or error frame.
     */
    private @Nullable Throwable answerObserved(WsProtocol.Message question) {
        boolean framed = protocol.runsGraph();
        String sessionId = switch (question) {
            case WsProtocol.Question q -> q.sessionId();
            case WsProtocol.Resume r -> r.sessionId();
            default -> throw new IllegalArgumentException("not answerable: " + question);
        };
        Stream<String> tokens;
        try {
            tokens = Objects.requireNonNull(framed ? protocol.frames(question)
                    : protocol.answer((WsProtocol.Question) question), "the answer function returned null");
        } catch (ThreadResumes.Refusal e) {
            send(codec.error(e.getMessage(), e.problem().code(), sessionId));
            return e;
        } catch (RuntimeException e) {
            log.warn("the answer function failed before streaming", e);
            send(codec.error("the answer could not be started", null, sessionId));
            endFailed();
            return e;
        }
        if (!begin(tokens)) {
            tokens.close();
            return new CancellationException("the WebSocket closed");
        }
        boolean ok = true;
        Throwable failure = null;
        try (tokens) {
            Iterator<String> it = tokens.iterator();
            while (ok && it.hasNext()) {
                String next = it.next();
                ok = send(framed ? next : codec.token(next, sessionId));
            }
            if (ok) {
                // Decided once: a close after the last frame went out does not make a finished answer cancelled.
                boolean cancelled = wasCancelled();
                if (cancelled) {
                    ok = send(codec.cancelled(sessionId));
                    failure = new CancellationException("the client cancelled the answer");
                } else if (!framed) {
                    ok = send(codec.done(sessionId));
                }
            }
        } catch (RuntimeException e) {
            if (closed) {
                return new CancellationException("the WebSocket closed");
            }
            if (wasCancelled()) {
                send(codec.cancelled(sessionId));
                failure = new CancellationException("the client cancelled the answer");
            } else {
                log.warn("answer failed on WebSocket {}", name, e);
                send(codec.error(messageOf(e), null, sessionId));
                endFailed();
                failure = e;
            }
        } finally {
            end();
        }
        if (!ok) {
            closed = true;
            return new CancellationException("the WebSocket closed");
        }
        return failure;
    }

    private void endFailed() {
        if (codec.endsErrorsWithDone()) {
            send(codec.done(null));
        }
    }

    private boolean begin(Stream<String> tokens) {
        stateLock.lock();
        try {
            if (closed) {
                return false;
            }
            current = tokens;
            currentCancelled = false;
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    private void end() {
        stateLock.lock();
        try {
            current = null;
        } finally {
            stateLock.unlock();
        }
    }

    private boolean wasCancelled() {
        stateLock.lock();
        try {
            return currentCancelled;
        } finally {
            stateLock.unlock();
        }
    }

    private void cancelCurrent() {
        Stream<String> running;
        stateLock.lock();
        try {
            running = current;
            if (running != null) {
                currentCancelled = true;
            }
        } finally {
            stateLock.unlock();
        }
        if (running != null) {
            // Closing from this thread is allowed by SynapseKit's streams and wakes the answering thread.
            running.close();
        }
    }

    /** Sends one frame; returns {@code false} when the socket is gone. */
    private boolean send(String frame) {
        if (closed) {
            return false;
        }
        sendLock.lock();
        try {
            frames.send(frame);
            return true;
        } catch (IOException | IllegalStateException e) {
            log.debug("WebSocket {} send failed; stopping its answer", name, e);
            closed = true;
            cancelCurrent();
            return false;
        } finally {
            sendLock.unlock();
        }
    }

    private static String messageOf(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return "the answer failed";
        }
        return m.length() > 500 ? m.substring(0, 500) + "…" : m;
    }

    @Override
    public String toString() {
        return "WsConnection[" + name + ", " + protocol + (closed ? ", closed" : "") + "]";
    }
}
