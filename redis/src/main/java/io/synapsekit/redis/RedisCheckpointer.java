package io.synapsekit.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CheckpointConflictException;
import io.synapsekit.graph.CheckpointException;
import io.synapsekit.graph.Checkpointer;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A graph {@link Checkpointer} in Redis: graph runs that pause for a person, or whose JVM dies, resume from it on
 * any server that reaches the same Redis.
 *
 * <pre>{@code
 * RedisCheckpointer redis = RedisCheckpointer.builder(URI.create("redis://localhost:6379"))
 *         .ttl(Duration.ofDays(7)).build();
 * CompiledGraph durable = graph.compile().withCheckpointer(redis);
 * durable.invoke("order-42", Map.of("order", 42));
 * }</pre>
 *
 * <p><b>In Redis.</b> A thread is four keys sharing the hash tag {@code {threadId}}, so that a Redis Cluster keeps
 * them on one node: a list of its checkpoint ids (the n-th is version n, the last the head), a hash of their
 * {@linkplain Checkpoint#toJson() JSON forms}, a hash of their pending writes, and, with a TTL, the time of the last
 * write. Every call is one Lua script, so {@link #put} checks the head's version and appends in one atomic step: of
 * two runs resuming one thread, on any servers, one stores and the other gets a
 * {@link CheckpointConflictException}. A put retried after a lost reply finds its own checkpoint as the head and
 * succeeds.
 *
 * <p><b>Time to live.</b> With {@link Builder#ttl(Duration)}, every write to a thread renews the expiry of all its
 * keys at once, so a thread idle for the TTL vanishes whole. It counts as gone from the moment this checkpointer's
 * clock says so, even if Redis has not yet expired it. Without a TTL, threads stay until {@link #delete}.
 *
 * <p><b>Errors.</b> A call that cannot reach Redis, or waits longer than {@link Builder#timeout(Duration)} for it,
 * throws {@link CheckpointException} naming the operation, the thread and Redis's address (never its password). A
 * key holding something this checkpointer did not write throws {@link CheckpointException} naming the key.
 *
 * <p>Thread-safe; one instance per application, closed at shutdown ({@link #close()} releases its connections and
 * is idempotent). Calls block on Redis, one pooled connection each.
 */
public final class RedisCheckpointer implements Checkpointer, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Object>> LINE = new TypeReference<>() {
    };

    private final RedisAddress address;
    private final ConnectionPool pool;
    private final CheckpointKeys keys;
    private final @Nullable Duration ttl;
    private final String ttlMillis;
    private final Clock clock;
    private volatile boolean closed;

    private RedisCheckpointer(Builder b) {
        this.address = RedisAddress.parse(b.uri);
        this.keys = new CheckpointKeys(b.keyPrefix);
        this.ttl = b.ttl;
        this.ttlMillis = b.ttl == null ? "0" : Long.toString(b.ttl.toMillis());
        this.clock = b.clock;
        int timeout = (int) Math.min(Integer.MAX_VALUE, b.timeout.toMillis());
        this.pool = new ConnectionPool(address.hostAndPort(),
                address.clientConfig(timeout, timeout).clientName("synapsekit-checkpointer").build(),
                b.maxConnections, b.timeout);
    }

    /** Connects to Redis at {@code uri} ({@code redis://[[user]:password@]host[:port][/database]}), without a TTL. */
    public static RedisCheckpointer connect(URI uri) {
        return builder(uri).build();
    }

    /** Returns a builder for Redis at {@code uri} ({@code redis://[[user]:password@]host[:port][/database]}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    private void open() {
        try (ConnectionPool.Lease lease = pool.lease()) {
            lease.jedis().ping();
        } catch (JedisException e) {
            pool.close();
            throw new CheckpointException("Redis at " + address + " is unreachable: " + e.getMessage()
                    + "; start it or fix the address", e);
        }
    }

    @Override
    public void put(Checkpoint checkpoint) {
        String body = checkpoint.toJson();   // before any I/O: a value Jackson cannot write fails here
        String thread = checkpoint.threadId();
        Object reply = script("store a checkpoint of", thread, CheckpointScripts.PUT,
                Long.toString(checkpoint.version()), checkpoint.id(), body);
        if (!(reply instanceof Long head)) {
            throw new CheckpointException("Redis at " + address + " gave an unexpected reply storing a checkpoint"
                    + " of thread '" + thread + "': " + reply, null);
        }
        if (head >= 0) {   // the head's version; -1 means stored
            throw new CheckpointConflictException(thread, checkpoint.version(), head);
        }
    }

    @Override
    public void putWrite(String threadId, String checkpointId, String node, Map<String, @Nullable Object> update) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(update, "update");
        String line;
        try {
            // One line per write: Jackson escapes every newline inside a string, so lines never run together.
            line = JSON.writeValueAsString(List.of(node, update)) + "\n";
        } catch (JsonProcessingException e) {
            throw new CheckpointException("the update of node '" + node + "' in thread '" + threadId
                    + "' cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        Object stored = script("store a pending write of", threadId, CheckpointScripts.PUT_WRITE, checkpointId,
                line);
        if (!Long.valueOf(1).equals(stored)) {
            throw new CheckpointException("thread '" + threadId + "' has no checkpoint '" + checkpointId
                    + "' to add the write of node '" + node + "' to", null);
        }
    }

    @Override
    public Optional<Checkpoint> head(String threadId) {
        return history(threadId, 1).stream().findFirst();
    }

    @Override
    public Optional<Checkpoint> get(String threadId, String checkpointId) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        Object reply = script("read a checkpoint of", threadId, CheckpointScripts.GET, checkpointId);
        return checkpoints(threadId, reply).stream().findFirst();
    }

    @Override
    public List<Checkpoint> history(String threadId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        Object reply = script("read checkpoints of", threadId, CheckpointScripts.HISTORY, Integer.toString(limit));
        return checkpoints(threadId, reply);
    }

    @Override
    public void delete(String threadId) {
        List<String> all = keys.all(Objects.requireNonNull(threadId, "threadId"));
        call("delete", threadId, jedis -> jedis.del(all.toArray(String[]::new)));
    }

    /** Folds a script's id, JSON, pending-writes triples into checkpoints, naming the key of anything unreadable. */
    private List<Checkpoint> checkpoints(String threadId, Object reply) {
        if (!(reply instanceof List<?> flat) || flat.size() % 3 != 0) {
            throw new CheckpointException("Redis at " + address + " gave an unexpected reply reading thread '"
                    + threadId + "': " + reply, null);
        }
        List<Checkpoint> out = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i < flat.size(); i += 3) {
            String id = String.valueOf(flat.get(i));
            Checkpoint c;
            try {
                c = Checkpoint.fromJson(String.valueOf(flat.get(i + 1)));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("Redis key " + keys.bodies(threadId) + " field '" + id
                        + "' does not hold a checkpoint: " + e.getMessage(), e);
            }
            if (!c.threadId().equals(threadId) || !c.id().equals(id)) {
                throw new CheckpointException("Redis key " + keys.bodies(threadId) + " field '" + id
                        + "' holds checkpoint '" + c.id() + "' of thread '" + c.threadId() + "'", null);
            }
            Object writes = flat.get(i + 2);
            if (writes != null) {
                for (Map.Entry<String, Map<String, @Nullable Object>> w : writes(threadId, id, writes).entrySet()) {
                    c = c.withWrite(w.getKey(), w.getValue());
                }
            }
            out.add(c);
        }
        return out;
    }

    /** Reads the lines of one checkpoint's pending writes; a node written twice keeps its last update. */
    private Map<String, Map<String, @Nullable Object>> writes(String threadId, String checkpointId, Object lines) {
        Map<String, Map<String, @Nullable Object>> out = new LinkedHashMap<>();
        for (String line : String.valueOf(lines).split("\n")) {
            try {
                List<Object> pair = JSON.readValue(line, LINE);
                if (pair.size() != 2 || !(pair.get(0) instanceof String node) || !(pair.get(1) instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException("expected [node, update], got " + abbreviated(line));
                }
                @SuppressWarnings("unchecked")
                Map<String, @Nullable Object> update = (Map<String, @Nullable Object>) pair.get(1);
                out.put(node, update);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new CheckpointException("Redis key " + keys.writes(threadId) + " field '" + checkpointId
                        + "' does not hold pending writes: " + why, e);
            }
        }
        return out;
    }

    /** Runs one of the scripts on the thread's keys, with the clock's time and the TTL before {@code args}. */
    private Object script(String what, String threadId, CheckpointScripts.LuaScript script, String... args) {
        List<String> threadKeys = keys.all(Objects.requireNonNull(threadId, "threadId"));
        List<String> argv = new ArrayList<>(args.length + 2);
        argv.add(Long.toString(clock.millis()));
        argv.add(ttlMillis);
        argv.addAll(List.of(args));
        return call(what, threadId, jedis -> {
            try {
                return jedis.evalsha(script.sha1(), threadKeys, argv);
            } catch (JedisNoScriptException e) {
                return jedis.eval(script.source(), threadKeys, argv);   // Redis restarted, or flushed its scripts
            }
        });
    }

    /**
     * Runs {@code action} on a pooled connection, mapping Redis's errors to {@link CheckpointException}s. When that
     * connection turns out dead, runs it once more on a fresh one after emptying the pool: after a Redis restart
     * every idle pooled connection is dead. Repeating is safe: a put that did reach Redis finds itself the head.
     */
    private <T> T call(String what, String threadId, Function<Jedis, T> action) {
        if (closed) {
            throw new CheckpointException("cannot " + what + " thread '" + threadId + "': this checkpointer of "
                    + address + " is closed", null);
        }
        try {
            try (ConnectionPool.Lease lease = pool.lease()) {
                return action.apply(lease.jedis());
            } catch (JedisConnectionException stale) {
                if (Thread.currentThread().isInterrupted() || timedOut(stale)) {
                    throw stale;   // a Redis that does not answer would not answer a second time either
                }
                pool.clear();
                try (ConnectionPool.Lease lease = pool.lease()) {
                    return action.apply(lease.jedis());
                }
            }
        } catch (JedisDataException e) {
            String message = String.valueOf(e.getMessage());
            int bad = message.indexOf(CheckpointScripts.BAD_KEY);
            if (bad >= 0) {
                String detail = message.substring(bad + CheckpointScripts.BAD_KEY.length());
                int trace = detail.indexOf(" script: ");   // Redis adds which script and line; not the user's concern
                throw new CheckpointException("cannot " + what + " thread '" + threadId + "': Redis key "
                        + (trace >= 0 ? detail.substring(0, trace) : detail), e);
            }
            throw new CheckpointException("Redis at " + address + " refused to " + what + " thread '" + threadId
                    + "': " + message, e);
        } catch (JedisException e) {
            throw new CheckpointException("cannot " + what + " thread '" + threadId + "': Redis at " + address
                    + " is unreachable (" + e.getMessage() + ")", e);
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviated(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** Closes its connections; idempotent, any thread. Calls made afterwards throw {@link CheckpointException}. */
    @Override
    public void close() {
        closed = true;
        pool.close();
    }

    @Override
    public String toString() {
        return "RedisCheckpointer{" + address + ", keyPrefix=" + keys.prefix() + ", ttl="
                + (ttl == null ? "none" : ttl) + '}';
    }

    /** A builder of {@link RedisCheckpointer}; not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private @Nullable Duration ttl;
        private String keyPrefix = "synapsekit:checkpoint:";
        private int maxConnections = 64;
        private Duration timeout = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();

        private Builder(URI uri) {
            RedisAddress.parse(uri);   // fails here, naming what is wrong, rather than at build()
            this.uri = uri;
        }

        /**
         * Sets how long a thread stays after its last write; every write to it renews all its keys. Threads stay
         * until deleted unless set.
         */
        public Builder ttl(Duration ttl) {
            this.ttl = positive(ttl, "ttl");
            return this;
        }

        /**
         * Sets the prefix of every key, to share one Redis among applications. It must not contain braces, which
         * would change the keys' hash tag on a Redis Cluster. {@code synapsekit:checkpoint:} unless set.
         */
        public Builder keyPrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (they would change the"
                        + " hash tag that keeps a thread's keys on one Redis Cluster node): " + prefix);
            }
            this.keyPrefix = prefix;
            return this;
        }

        /** Sets how many Redis connections it opens at most: one per call in progress. 64 unless set. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Sets the timeout to connect, to get a connection from the pool, and to hear back from Redis: the longest
         * a call waits before it throws. 2 seconds unless set.
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** Reads the time that decides when a thread outlived its TTL from {@code clock}, so tests can move it. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Connects: returns a checkpointer whose Redis answered.
         *
         * @throws CheckpointException when Redis cannot be reached within the timeout; names its address
         */
        public RedisCheckpointer build() {
            RedisCheckpointer checkpointer = new RedisCheckpointer(this);
            checkpointer.open();
            return checkpointer;
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
