package io.synapsekit.server;

import io.synapsekit.sse.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, in-process {@link SseReplayBuffer}: it holds at most {@link Builder#maxStreams(int) a number of
 * streams}, each up to {@link Builder#maxEventsPerStream(int) a number of events} and
 * {@link Builder#maxBytesPerStream(long) a size}, and forgets a stream {@link Builder#ttl(Duration) a while}
 * after its last event. Past a per-stream limit the oldest events go first (a client that fell that far behind
 * gets a {@linkplain SseReplayBuffer.Slice#gap() gap}); past the stream limit, the least recently written
 * stream goes.
 *
 * <p>Thread-safe. Each stream has its own lock, so readers of one stream never wait for writers of another.
 */
public final class InMemorySseReplayBuffer implements SseReplayBuffer {

    /** The most events one {@link #read} returns, so that one slow client cannot make one huge write. */
    private static final int MAX_EVENTS_PER_READ = 512;
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int maxStreams;
    private final int maxEventsPerStream;
    private final long maxBytesPerStream;
    private final long ttlNanos;

    private final ReentrantLock indexLock = new ReentrantLock();
    /** Least recently written first (access order is updated by {@link #log(String, boolean)}). */
    private final LinkedHashMap<String, Log> logs = new LinkedHashMap<>(16, 0.75f, true);
    private long lastSweep = System.nanoTime();

    private InMemorySseReplayBuffer(Builder b) {
        this.maxStreams = b.maxStreams;
        this.maxEventsPerStream = b.maxEventsPerStream;
        this.maxBytesPerStream = b.maxBytesPerStream;
        this.ttlNanos = b.ttl.toNanos();
    }

    /** Returns a buffer with the defaults: 1,000 streams of up to 10,000 events and 4 MiB, kept 5 minutes. */
    public static InMemorySseReplayBuffer create() {
        return builder().build();
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void begin(String streamId) {
        log(streamId, true);
    }

    @Override
    public void append(String streamId, long seq, SseEvent event) {
        Objects.requireNonNull(event, "event");
        Log log = log(streamId, true);
        log.lock.lock();
        try {
            if (log.evicted) {
                return;
            }
            if (seq != log.nextSeq()) {
                throw new IllegalArgumentException("stream " + streamId + " expects event " + log.nextSeq()
                        + ", got " + seq);
            }
            log.events.add(event);
            log.bytes += size(event);
            while (log.retained() > maxEventsPerStream || (log.bytes > maxBytesPerStream && log.retained() > 1)) {
                log.dropFirst();
            }
            log.touched = System.nanoTime();
            log.changed.signalAll();
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public void complete(String streamId) {
        Log log = log(streamId, true);
        log.lock.lock();
        try {
            log.complete = true;
            log.touched = System.nanoTime();
            log.changed.signalAll();
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public Optional<Slice> read(String streamId, long afterSeq, Duration wait) throws InterruptedException {
        Log log = log(streamId, false);
        if (log == null) {
            return Optional.empty();
        }
        long remaining = wait.toNanos();
        log.lock.lockInterruptibly();
        try {
            while (true) {
                if (log.evicted) {
                    return Optional.empty();
                }
                long from = Math.max(afterSeq + 1, log.headSeq);
                boolean gap = afterSeq + 1 < log.headSeq;
                long available = log.nextSeq() - from;
                if (available > 0 || log.complete || remaining <= 0) {
                    int n = (int) Math.min(Math.max(available, 0), MAX_EVENTS_PER_READ);
                    List<SseEvent> out = new ArrayList<>(n);
                    int start = log.head + (int) (from - log.headSeq);
                    for (int i = 0; i < n; i++) {
                        out.add(log.events.get(start + i));
                    }
                    long last = n == 0 ? afterSeq : from + n - 1;
                    boolean complete = log.complete && last == log.nextSeq() - 1;
                    return Optional.of(new Slice(out, last, complete, gap));
                }
                remaining = log.changed.awaitNanos(remaining);
            }
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public void discard(String streamId) {
        Log log;
        indexLock.lock();
        try {
            log = logs.remove(streamId);
        } finally {
            indexLock.unlock();
        }
        if (log != null) {
            log.evict();
        }
    }

    @Override
    public String toString() {
        return "InMemorySseReplayBuffer{maxStreams=" + maxStreams + ", maxEventsPerStream=" + maxEventsPerStream
                + ", maxBytesPerStream=" + maxBytesPerStream + ", ttl=" + Duration.ofNanos(ttlNanos) + '}';
    }

    private @Nullable Log log(String streamId, boolean create) {
        Objects.requireNonNull(streamId, "streamId");
        List<Log> evicted = new ArrayList<>();
        Log log;
        indexLock.lock();
        try {
            long now = System.nanoTime();
            if (now - lastSweep > SWEEP_INTERVAL_NANOS) {
                evicted.addAll(sweep(now));
            }
            log = logs.get(streamId);
            if (log != null && now - log.touchedVolatile() > ttlNanos) {
                logs.remove(streamId);
                evicted.add(log);
                log = null;
            }
            if (log == null && create) {
                log = new Log();
                logs.put(streamId, log);
                Iterator<Log> oldest = logs.values().iterator();
                while (logs.size() > maxStreams) {
                    evicted.add(oldest.next());
                    oldest.remove();
                }
            }
        } finally {
            indexLock.unlock();
        }
        // Waking readers takes each stream's own lock: never while holding the index lock.
        evicted.forEach(Log::evict);
        return log;
    }

    private List<Log> sweep(long now) {
        lastSweep = now;
        List<Log> expired = new ArrayList<>();
        for (Iterator<Log> it = logs.values().iterator(); it.hasNext(); ) {
            Log log = it.next();
            if (now - log.touchedVolatile() > ttlNanos) {
                expired.add(log);
                it.remove();
            }
        }
        return expired;
    }

    private static long size(SseEvent e) {
        return 2L * (e.data().length() + e.id().length() + e.event().length()) + 48;
    }

    /** One stream's events, numbered from {@code headSeq}; dropped events leave nulls that compaction removes. */
    private static final class Log {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        final ArrayList<@Nullable SseEvent> events = new ArrayList<>();
        int head;
        long headSeq = 1;
        long bytes;
        boolean complete;
        boolean evicted;
        volatile long touched = System.nanoTime();

        long nextSeq() {
            return headSeq + retained();
        }

        int retained() {
            return events.size() - head;
        }

        long touchedVolatile() {
            return touched;
        }

        void dropFirst() {
            bytes -= size(events.get(head));
            events.set(head, null);
            head++;
            headSeq++;
            if (head > 1024 && head > events.size() / 2) {
                events.subList(0, head).clear();
                head = 0;
            }
        }

        void evict() {
            lock.lock();
            try {
                evicted = true;
                events.clear();
                head = 0;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A builder of {@link InMemorySseReplayBuffer}; not thread-safe. */
    public static final class Builder {
        private int maxStreams = 1_000;
        private int maxEventsPerStream = 10_000;
        private long maxBytesPerStream = 4L << 20;
        private Duration ttl = Duration.ofMinutes(5);

        private Builder() {
        }

        /** Sets how many streams are kept at most; the least recently written goes first. */
        public Builder maxStreams(int maxStreams) {
            this.maxStreams = positive(maxStreams, "maxStreams");
            return this;
        }

        /** Sets how many events of one stream are kept at most; the oldest go first. */
        public Builder maxEventsPerStream(int maxEvents) {
            this.maxEventsPerStream = positive(maxEvents, "maxEventsPerStream");
            return this;
        }

        /** Sets roughly how many bytes of one stream's events are kept at most; the oldest go first. */
        public Builder maxBytesPerStream(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytesPerStream must be positive: " + maxBytes);
            }
            this.maxBytesPerStream = maxBytes;
            return this;
        }

        /** Sets how long a stream is kept after its last event. */
        public Builder ttl(Duration ttl) {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive: " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** Returns the buffer. */
        public InMemorySseReplayBuffer build() {
            return new InMemorySseReplayBuffer(this);
        }

        private static int positive(int n, String name) {
            if (n <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + n);
            }
            return n;
        }
    }
}
