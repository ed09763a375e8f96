package io.synapsekit.internal;

import io.synapsekit.llm.LLMTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Enforces a stream's first-token, idle and total time limits by closing its connection when one runs out.
 *
 * <p>The JDK's request timeout stops counting once headers arrive, and a blocking {@code read} has no timeout of
 * its own, so the limits after the headers need a timer. One shared daemon thread serves every stream: it only
 * checks deadlines and closes connections, never reads. Per stream there is at most one pending check, moved
 * forward lazily (a chunk only writes a timestamp), so the hot path costs one {@code nanoTime} per read.
 *
 * <p>The watchdog holds only the action to run, never the stream itself, so an abandoned stream can still be
 * collected and cleaned. The checks run on the {@link DeadlineTimer}, which keeps a stopped stream's cancelled
 * check queued until its next purge; a stopped watchdog drops its action, so such a check holds no connection.
 */
final class StreamWatchdog {

    private final long startNanos;
    private final long firstTokenNanos;
    private final long idleNanos;
    private final long totalNanos;
    private final Duration firstToken;
    private final Duration idle;
    private final Duration total;
    private @Nullable Runnable onExpire; // guarded by lock; null once stopped
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long lastActivityNanos;
    private volatile boolean tokenSeen;
    private volatile LLMTimeoutException.@Nullable Kind expired;
    private boolean stopped;
    private @Nullable ScheduledFuture<?> pending;

    private StreamWatchdog(long startNanos, ClientSettings settings, Runnable onExpire) {
        this.startNanos = startNanos;
        this.firstToken = settings.firstTokenTimeout();
        this.idle = settings.idleTimeout();
        this.total = settings.totalTimeout();
        this.firstTokenNanos = firstToken.toNanos();
        this.idleNanos = idle.toNanos();
        this.totalNanos = total.toNanos();
        this.onExpire = onExpire;
        this.lastActivityNanos = System.nanoTime();
    }

    /**
     * Starts watching a stream whose request was sent at {@code startNanos}; {@code onExpire} runs once, on the
     * timer thread, when a limit runs out.
     */
    static StreamWatchdog start(long startNanos, ClientSettings settings, Runnable onExpire) {
        StreamWatchdog w = new StreamWatchdog(startNanos, settings, onExpire);
        w.schedule(w.nextDeadline());
        return w;
    }

    /** Records that bytes arrived. */
    void activity() {
        lastActivityNanos = System.nanoTime();
    }

    /**
     * Records that the first content arrived (answer text, thinking or a tool call); the first-token limit no
     * longer applies.
     */
    void tokenSeen() {
        tokenSeen = true;
    }

    /** Returns which limit ran out, or {@code null}. */
    LLMTimeoutException.@Nullable Kind expired() {
        return expired;
    }

    /** Returns the limit of {@code kind}. */
    Duration limit(LLMTimeoutException.Kind kind) {
        return switch (kind) {
            case FIRST_TOKEN -> firstToken;
            case IDLE -> idle;
            case TOTAL -> total;
            default -> Duration.ZERO;
        };
    }

    /** Stops watching. Idempotent; any thread. */
    void stop() {
        ScheduledFuture<?> f;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            onExpire = null;
            f = pending;
            pending = null;
        } finally {
            lock.unlock();
        }
        if (f != null) {
            DeadlineTimer.cancel(f);
        }
    }

    private long nextDeadline() {
        long deadline = lastActivityNanos + idleNanos;
        if (!tokenSeen) {
            deadline = Math.min(deadline, startNanos + firstTokenNanos);
        }
        if (totalNanos > 0) {
            deadline = Math.min(deadline, startNanos + totalNanos);
        }
        return deadline;
    }

    private LLMTimeoutException.@Nullable Kind expiredAt(long now) {
        if (totalNanos > 0 && now - startNanos >= totalNanos) {
            return LLMTimeoutException.Kind.TOTAL;
        }
        if (!tokenSeen && now - startNanos >= firstTokenNanos) {
            return LLMTimeoutException.Kind.FIRST_TOKEN;
        }
        if (now - lastActivityNanos >= idleNanos) {
            return LLMTimeoutException.Kind.IDLE;
        }
        return null;
    }

    private void schedule(long deadlineNanos) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            pending = DeadlineTimer.schedule(this::check, deadlineNanos - System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    private void check() {
        LLMTimeoutException.Kind kind = expiredAt(System.nanoTime());
        if (kind == null) {
            schedule(nextDeadline());
            return;
        }
        Runnable action;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            pending = null;
            expired = kind;
            action = onExpire;
            onExpire = null;
        } finally {
            lock.unlock();
        }
        action.run(); // outside the lock: closing a connection may block briefly
    }
}
