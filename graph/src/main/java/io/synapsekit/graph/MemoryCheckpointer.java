package io.synapsekit.graph;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Checkpointer} in this JVM's memory: for tests, demos and runs that only need to pause for a person,
 * not to survive a restart.
 *
 * <p>It stores each checkpoint in its {@linkplain Checkpoint#toJson() JSON form}, as a durable store would, so a
 * value that would fail there fails here too, and nothing a caller does to a returned state changes a stored one.
 * With {@link #withTtl(Duration)}, a thread untouched for longer than the time to live is forgotten.
 *
 * <p>Thread-safe; a lock guards the maps only.
 */
public final class MemoryCheckpointer implements Checkpointer {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, List<String>> threads = new HashMap<>();
    private final Map<String, Instant> touched = new HashMap<>();
    private final @Nullable Duration ttl;
    private final Clock clock;

    /** Creates an empty checkpointer that keeps threads until they are deleted. */
    public MemoryCheckpointer() {
        this(null, Clock.systemUTC());
    }

    private MemoryCheckpointer(@Nullable Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * Returns an empty checkpointer that forgets a thread once nothing was stored to it for {@code ttl}.
     *
     * @throws IllegalArgumentException when {@code ttl} is not positive
     */
    public static MemoryCheckpointer withTtl(Duration ttl) {
        return withTtl(ttl, Clock.systemUTC());
    }

    /** As {@link #withTtl(Duration)}, reading the time from {@code clock}, so tests can move it. */
    public static MemoryCheckpointer withTtl(Duration ttl, Clock clock) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        return new MemoryCheckpointer(ttl, Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public void put(Checkpoint checkpoint) {
        String json = checkpoint.toJson();   // outside the lock: serialising may be slow, and may fail
        lock.lock();
        try {
            List<String> line = live(checkpoint.threadId());
            long head = line == null ? 0 : line.size();
            if (checkpoint.version() != head + 1) {
                throw new CheckpointConflictException(checkpoint.threadId(), checkpoint.version(), head);
            }
            threads.computeIfAbsent(checkpoint.threadId(), t -> new ArrayList<>()).add(json);
            touched.put(checkpoint.threadId(), clock.instant());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void putWrite(String threadId, String checkpointId, String node, Map<String, @Nullable Object> update) {
        Objects.requireNonNull(node, "node");
        lock.lock();
        try {
            List<String> line = live(threadId);
            if (line != null) {
                for (int i = line.size() - 1; i >= 0; i--) {
                    Checkpoint c = Checkpoint.fromJson(line.get(i));
                    if (c.id().equals(checkpointId)) {
                        line.set(i, c.withWrite(node, update).toJson());
                        touched.put(threadId, clock.instant());
                        return;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        throw new CheckpointException("thread '" + threadId + "' has no checkpoint '" + checkpointId
                + "' to add the write of node '" + node + "' to", null);
    }

    @Override
    public Optional<Checkpoint> head(String threadId) {
        String json;
        lock.lock();
        try {
            List<String> line = live(threadId);
            json = line == null || line.isEmpty() ? null : line.get(line.size() - 1);
        } finally {
            lock.unlock();
        }
        return Optional.ofNullable(json).map(Checkpoint::fromJson);
    }

    @Override
    public Optional<Checkpoint> get(String threadId, String checkpointId) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        return history(threadId, Integer.MAX_VALUE).stream().filter(c -> c.id().equals(checkpointId)).findFirst();
    }

    @Override
    public List<Checkpoint> history(String threadId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        List<String> copy;
        lock.lock();
        try {
            List<String> line = live(threadId);
            copy = line == null ? List.of() : List.copyOf(line);
        } finally {
            lock.unlock();
        }
        List<Checkpoint> out = new ArrayList<>();
        for (int i = copy.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(Checkpoint.fromJson(copy.get(i)));
        }
        return out;
    }

    @Override
    public void delete(String threadId) {
        lock.lock();
        try {
            threads.remove(threadId);
            touched.remove(threadId);
        } finally {
            lock.unlock();
        }
    }

    /** Returns the thread's checkpoints, forgetting them first when they outlived the time to live; lock held. */
    private @Nullable List<String> live(String threadId) {
        Objects.requireNonNull(threadId, "threadId");
        if (ttl != null) {
            Instant t = touched.get(threadId);
            if (t != null && !clock.instant().isBefore(t.plus(ttl))) {
                threads.remove(threadId);
                touched.remove(threadId);
            }
        }
        return threads.get(threadId);
    }
}
