package io.synapsekit.servlet;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of {@link TokenWebSocket}: messages arrive on the container's thread and are only
 * read and queued there; a virtual thread of the connection's own answers the questions in order and sends the
 * frames. Cancelling (a cancel message, the socket closing) closes the current answer's stream from the
 * container's thread, which wakes the answering thread at once.
 *
 * <p>Public only because containers instantiate endpoint classes; use {@link TokenWebSocket}.
 */
public final class TokenEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

    private final WsProtocol protocol;
    private final int maxMessageChars;
    private final int maxWaitingQuestions;
    private final BlockingQueue<WsProtocol.Question> questions;
    /** Frames from the answering thread and error replies from the container's thread must not interleave. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReentrantLock stateLock = new ReentrantLock();

    private Session session;
    private Thread worker;
    private Stream<String> current;
    private boolean currentCancelled;
    private volatile boolean closed;

    TokenEndpoint(WsProtocol protocol, int maxMessageChars, int maxWaitingQuestions) {
        this.protocol = protocol;
        this.maxMessageChars = maxMessageChars;
        this.maxWaitingQuestions = maxWaitingQuestions;
        this.questions = new ArrayBlockingQueue<>(maxWaitingQuestions);
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        this.session = session;
        // The container's own limit stays above ours, so that a too-long message gets our error frame rather
        // than a closed connection; UTF-8 needs at most 4 bytes a character.
        session.setMaxTextMessageBufferSize(Math.max(session.getMaxTextMessageBufferSize(), maxMessageChars * 4 + 64));
        session.addMessageHandler(new MessageHandler.Whole<String>() {
            @Override
            public void onMessage(String text) {
                received(text);
            }
        });
        worker = Thread.ofVirtual().name("synapsekit-ws-" + session.getId()).start(this::answerQuestions);
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        closed = true;
        cancelCurrent();
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
        log.debug("WebSocket {} closed: {}", session.getId(), reason);
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("WebSocket {} failed", session.getId(), error);
    }

    private void received(String text) {
        if (text.length() > maxMessageChars) {
            send(protocol.error("message too large: " + text.length() + " characters, at most "
                    + maxMessageChars, null));
            return;
        }
        switch (protocol.read(text, maxMessageChars)) {
            case WsProtocol.Cancel c -> cancelCurrent();
            case WsProtocol.Invalid bad -> send(protocol.error(bad.problem(), bad.sessionId()));
            case WsProtocol.Question q -> {
                if (!questions.offer(q)) {
                    send(protocol.error("too many questions waiting: at most " + maxWaitingQuestions
                            + " while an answer streams", q.sessionId()));
                }
            }
        }
    }

    private void answerQuestions() {
        try {
            while (!closed) {
                answer(questions.take());
            }
        } catch (InterruptedException e) {
            // the socket closed
        }
    }

    private void answer(WsProtocol.Question question) {
        String sessionId = question.sessionId();
        Stream<String> tokens;
        try {
            tokens = protocol.answer(question);
        } catch (RuntimeException e) {
            log.warn("the answer function failed before streaming", e);
            send(protocol.error("the answer could not be started", sessionId));
            finishPlain();
            return;
        }
        if (!begin(tokens)) {
            tokens.close();
            return;
        }
        boolean ok = true;
        try (tokens) {
            var it = tokens.iterator();
            while (ok && it.hasNext()) {
                ok = send(protocol.token(it.next(), sessionId));
            }
            if (ok) {
                ok = send(wasCancelled() ? protocol.cancelled(sessionId) : protocol.done(sessionId));
            }
        } catch (RuntimeException e) {
            if (closed) {
                return;
            }
            if (wasCancelled()) {
                send(protocol.cancelled(sessionId));
            } else {
                log.warn("answer failed on WebSocket {}", session.getId(), e);
                send(protocol.error(messageOf(e), sessionId));
                finishPlain();
            }
        } finally {
            end();
        }
        if (!ok) {
            closed = true;
        }
    }

    /** The plain protocol has no error type of its own: a failed answer still ends with [DONE]. */
    private void finishPlain() {
        if (protocol instanceof WsProtocol.Plain) {
            send(protocol.done(null));
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
        if (closed || !session.isOpen()) {
            return false;
        }
        sendLock.lock();
        try {
            session.getBasicRemote().sendText(frame);
            return true;
        } catch (IOException | IllegalStateException e) {
            log.debug("WebSocket {} send failed; stopping its answer", session.getId(), e);
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
}
