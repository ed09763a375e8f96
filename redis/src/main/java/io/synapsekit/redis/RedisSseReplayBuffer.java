package io.synapsekit.redis;

import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.Registration;
import io.synapsekit.server.SseReplayBuffer;
import io.synapsekit.server.SseReplayException;
import io.synapsekit.server.StreamControl;
import io.synapsekit.sse.SseEvent;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A {@link SseReplayBuffer} in Redis, shared by every server that connects to the same Redis, and the
 * {@link StreamControl} of those servers: a client may resume an answer on any of them, a stop sent to any of them
 * cancels the LLM call on the one producing it, and a chat's current stream is found by key from any of them.
 *
 * <pre>{@code
 * RedisSseReplayBuffer redis = RedisSseReplayBuffer.connect(URI.create("redis://localhost:6379"));
 * SseResponse sse = SseResponse.builder().replay(redis).build();   // its stop() goes through Redis too
 * }</pre>
 *
 * <p><b>In Redis.</b> Each answer is one Redis Stream, entry {@code n-0} holding event n ({@code XADD} with an
 * {@linkplain Builder#maxEventsPerStream approximate MAXLEN}); its key lives {@link Builder#ttl(Duration) a TTL}
 * after the last write. Readers on other servers tail it with a blocking {@code XREAD} on their own virtual thread.
 * Every connection reading a stream holds a lease in a sorted set, renewed by a heartbeat and lingering for the
 * resume grace once it leaves; the producer keeps the answer running while any lease is live
 * ({@link #hasReaders}). The producer holds a lease of its own: when its server dies, readers elsewhere end with an
 * {@code error} event within {@linkplain Builder#heartbeat(Duration) six heartbeats}. A stop is published on a
 * channel that every buffer listens to, and left in a key that the producer's heartbeat also reads.
 *
 * <p><b>Also in memory.</b> The producing server keeps its own answers in an {@link InMemorySseReplayBuffer} too
 * and serves its own readers from there: they add no Redis round trip and keep receiving the answer when Redis
 * fails.
 *
 * <p><b>When Redis fails.</b> {@link #connect} and {@link Builder#build()} fail fast with
 * {@link SseReplayException} when Redis cannot be reached (nothing would be resumable elsewhere, and a wrong
 * address should show at start-up). Later, while Redis is unreachable, answers keep streaming from this server's
 * memory, resumable on this server only, with one warning per outage; readers on other servers end with an
 * {@code error} event; a stop or lookup throws {@link SseReplayException}. An answer that lost Redis midway is
 * not written there again, so no reader elsewhere sees a stream with a hole.
 *
 * <p>Thread-safe; one instance per application, closed at shutdown ({@link #close()} releases its connections,
 * its heartbeat thread and its stop listener, and is idempotent).
 */
public final class RedisSseReplayBuffer implements SseReplayBuffer, StreamControl, AutoCloseable {

    /** The most entries one read returns, as for the in-memory buffer. */
    private static final int MAX_EVENTS_PER_READ = 512;
    private static final Logger log = LoggerFactory.getLogger(RedisSseReplayBuffer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TYPE = "e";
    private static final String DATA = "d";
    private static final String ID = "i";
    private static final int LEASE_HEARTBEATS = 5;

    private final String shownAddress;
    private final HostAndPort address;
    private final ConnectionPool pool;
    private final RedisKeys keys;
    private final InMemorySseReplayBuffer local;
    private final long ttlMillis;
    private final int maxEventsPerStream;
    private final long heartbeatMillis;
    private final long leaseMillis;
    private final String instance;
    private final AtomicLong readerCount = new AtomicLong();

    /** The answers produced on this server and not yet complete. */
    private final ConcurrentHashMap<String, Produced> produced = new ConcurrentHashMap<>();
    /** The readers on this server, by member name in their stream's reader set. */
    private final ConcurrentHashMap<String, String> readers = new ConcurrentHashMap<>();
    /** What stops each answer produced here. */
    private final ConcurrentHashMap<String, Runnable> stops = new ConcurrentHashMap<>();
    /** Whether the current outage has been logged: once per outage is enough to be seen. */
    private final AtomicBoolean outageLogged = new AtomicBoolean();

    private final ReentrantLock lifecycle = new ReentrantLock();
    private final Condition closing = lifecycle.newCondition();
    private boolean closed;
    private final Thread heartbeat;
    private final StopSubscriber subscriber;

    private RedisSseReplayBuffer(Builder b) {
        RedisAddress redis = RedisAddress.parse(b.uri);
        this.address = redis.hostAndPort();
        this.shownAddress = redis.toString();
        this.keys = new RedisKeys(b.keyPrefix);
        this.ttlMillis = b.ttl.toMillis();
        this.maxEventsPerStream = b.maxEventsPerStream;
        this.heartbeatMillis = Math.max(1, b.heartbeat.toMillis());
        // Five heartbeats: a server too busy to renew its lease on time is not taken for a dead one.
        this.leaseMillis = LEASE_HEARTBEATS * heartbeatMillis;
        this.local = InMemorySseReplayBuffer.builder().maxStreams(b.localStreams).ttl(b.ttl)
                .maxEventsPerStream(b.maxEventsPerStream).build();
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.instance = HexFormat.of().formatHex(id);

        int timeout = (int) Math.min(Integer.MAX_VALUE, b.timeout.toMillis());
        // A read blocks at most one heartbeat (see readShared); the timeout bounds a Redis that stops answering,
        // so no thread waits on it forever.
        JedisClientConfig clientConfig = redis.clientConfig(timeout, timeout + (int) heartbeatMillis)
                .clientName("synapsekit-" + instance).build();
        this.pool = new ConnectionPool(address, clientConfig, b.maxConnections, b.timeout);
        this.subscriber = new StopSubscriber(address, DefaultJedisClientConfig.builder().from(clientConfig)
                .socketTimeoutMillis(0).blockingSocketTimeoutMillis(0).build(), keys.stopChannel(), this::stopHere,
                Duration.ofMillis(heartbeatMillis));
        this.heartbeat = Thread.ofVirtual().name("synapsekit-redis-heartbeat").unstarted(this::beat);
        heartbeat.setUncaughtExceptionHandler((t, e) -> log.error("Redis heartbeat failed", e));
    }

    /** Connects to Redis at {@code uri} ({@code redis://[[user]:password@]host[:port][/database]}) with the defaults. */
    public static RedisSseReplayBuffer connect(URI uri) {
        return builder(uri).build();
    }

    /** Returns a builder for Redis at {@code uri} ({@code redis://[[user]:password@]host[:port][/database]}). */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    private void open(Duration timeout) {
        try (ConnectionPool.Lease lease = pool.lease()) {
            Jedis jedis = lease.jedis();
            jedis.ping();
        } catch (JedisException e) {
            pool.close();
            throw new SseReplayException("Redis at " + shownAddress + " is unreachable: " + e.getMessage()
                    + "; start it, fix the address, or use InMemorySseReplayBuffer to serve from one server", e);
        }
        boolean subscribed;
        try {
            subscribed = subscriber.start(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscribed = false;
        }
        if (!subscribed) {
            closeQuietly();
            throw new SseReplayException("Redis at " + shownAddress + " accepted a connection but no subscription"
                    + " to " + keys.stopChannel() + " within " + timeout);
        }
        heartbeat.start();
    }

    // ---- writing: this server produces the answer ----

    @Override
    public void begin(String streamId) {
        local.begin(streamId);
        Produced p = new Produced();
        produced.put(streamId, p);
        try {
            withRedis(jedis -> {
                Pipeline pipe = jedis.pipelined();
                pipe.xadd(keys.events(streamId), trimmed().id(0, 1), Map.of("b", "1"));
                pipe.pexpire(keys.events(streamId), ttlMillis);
                pipe.set(keys.producer(streamId), instance, SetParams.setParams().px(leaseMillis));
                pipe.sync();
                return null;
            });
            redisBack();
        } catch (JedisException e) {
            p.shared = false;
            redisLost("stream " + streamId + " is resumable on this server only", e);
        }
    }

    @Override
    public void append(String streamId, long seq, SseEvent event) {
        local.append(streamId, seq, event);
        Produced p = produced.get(streamId);
        if (p == null || !p.shared) {
            return;
        }
        Map<String, String> fields = new HashMap<>(4);
        fields.put(TYPE, event.event());
        fields.put(DATA, event.data());
        if (!event.id().isEmpty()) {
            fields.put(ID, event.id());
        }
        try {
            // NOMKSTREAM: a stream that vanished (Redis restarted empty, or the key expired) is not recreated
            // with a hole at its start.
            StreamEntryID added = withRedis(jedis -> {
                try {
                    return jedis.xadd(keys.events(streamId), trimmed().noMkStream().id(seq, 0), fields);
                } catch (JedisDataException e) {
                    if (String.valueOf(e.getMessage()).contains("equal or smaller")) {
                        return new StreamEntryID(seq, 0); // written by an attempt whose answer was lost
                    }
                    throw e;
                }
            });
            if (added == null) {
                p.shared = false;
                log.warn("Redis at {} lost stream {}; it stays resumable on this server only", shownAddress,
                        streamId);
                return;
            }
            p.lastSeq = seq;
        } catch (JedisException e) {
            p.shared = false;
            redisLost("stream " + streamId + " is resumable on this server only from event " + seq, e);
        }
    }

    @Override
    public void complete(String streamId) {
        local.complete(streamId);
        Produced p = produced.remove(streamId);
        if (p == null || !p.shared) {
            return;
        }
        try {
            withRedis(jedis -> {
                Pipeline pipe = jedis.pipelined();
                pipe.xadd(keys.events(streamId), trimmed().noMkStream().id(p.lastSeq, 2), Map.of("c", "1"));
                pipe.pexpire(keys.events(streamId), ttlMillis);
                pipe.del(keys.producer(streamId));
                pipe.del(keys.stop(streamId));
                pipe.sync();
                return null;
            });
        } catch (JedisException e) {
            redisLost("stream " + streamId + " could not be marked complete in Redis", e);
        }
    }

    @Override
    public void discard(String streamId) {
        local.discard(streamId);
        produced.remove(streamId);
        try (ConnectionPool.Lease lease = pool.lease()) {
            Jedis jedis = lease.jedis();
            jedis.del(keys.events(streamId), keys.producer(streamId), keys.readers(streamId), keys.stop(streamId));
        } catch (JedisException e) {
            redisLost("stream " + streamId + " could not be discarded from Redis; its TTL will", e);
        }
    }

    /**
     * Runs {@code action} on a pooled connection; when that connection turns out dead, runs it once more on a fresh
     * one after emptying the pool: after a Redis restart every idle pooled connection is dead, and the command
     * never reached the new server, so repeating it is safe.
     */
    private <T> T withRedis(Function<Jedis, T> action) {
        try (ConnectionPool.Lease lease = pool.lease()) {
            Jedis jedis = lease.jedis();
            return action.apply(jedis);
        } catch (JedisConnectionException stale) {
            if (Thread.currentThread().isInterrupted() || timedOut(stale)) {
                throw stale; // a Redis that does not answer would not answer a second time either
            }
            pool.clear();
            try (ConnectionPool.Lease lease = pool.lease()) {
                Jedis jedis = lease.jedis();
                return action.apply(jedis);
            }
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

    private XAddParams trimmed() {
        return XAddParams.xAddParams().maxLen(maxEventsPerStream).approximateTrimming();
    }

    // ---- reading: here, from memory, or from Redis ----

    /**
     * {@inheritDoc}
     *
     * <p>A stream produced on this server is read from its memory. Any other is read from Redis with a blocking
     * {@code XREAD} of at most one heartbeat at a time; between two, the reader checks that the producer's lease is
     * still live.
     *
     * @throws SseReplayException when Redis is unreachable, or the stream's producer went away without finishing
     */
    @Override
    public Optional<Slice> read(String streamId, long afterSeq, Duration wait) throws InterruptedException {
        Optional<Slice> mine = local.read(streamId, afterSeq, wait);
        if (mine.isPresent()) {
            return mine;
        }
        try {
            try {
                return readShared(streamId, afterSeq, wait);
            } catch (JedisConnectionException stale) {
                if (Thread.currentThread().isInterrupted() || timedOut(stale)) {
                    throw stale;
                }
                pool.clear(); // see withRedis: a connection from before a Redis restart
                return readShared(streamId, afterSeq, wait);
            }
        } catch (JedisException e) {
            if (Thread.currentThread().isInterrupted()) {
                // An interrupted virtual thread's socket read ends with its socket closed: a cancellation.
                throw new InterruptedException("interrupted while reading stream " + streamId + " from Redis");
            }
            outageSeen(e);
            throw new SseReplayException("stream " + streamId + ": Redis at " + shownAddress + " is unreachable ("
                    + e.getMessage() + ")", e);
        }
    }

    private Optional<Slice> readShared(String streamId, long afterSeq, Duration wait) throws InterruptedException {
        String key = keys.events(streamId);
        long deadline = System.nanoTime() + wait.toNanos();
        StreamEntryID cursor = new StreamEntryID(afterSeq, 0);
        long last = afterSeq;
        try (ConnectionPool.Lease lease = pool.lease()) {
            Jedis jedis = lease.jedis();
            // Whether the stream exists is asked only when a read brings nothing: a round trip fewer per token.
            // A read that may wait starts without blocking, so an unknown stream is reported at once.
            boolean first = true;
            boolean checkedProducer = false;
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while reading stream " + streamId);
                }
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                XReadParams params = XReadParams.xReadParams().count(MAX_EVENTS_PER_READ);
                if (remainingMillis > 0 && !first) {
                    params.block((int) Math.min(remainingMillis, heartbeatMillis));
                }
                List<Map.Entry<String, List<StreamEntry>>> got = jedis.xread(params, Map.of(key, cursor));
                List<SseEvent> events = new ArrayList<>();
                boolean complete = false;
                if (got != null) {
                    for (Map.Entry<String, List<StreamEntry>> stream : got) {
                        for (StreamEntry entry : stream.getValue()) {
                            StreamEntryID id = entry.getID();
                            cursor = id;
                            if (id.getSequence() == 1) {
                                continue; // the start marker
                            }
                            long seq = id.getTime();
                            if (seq != (id.getSequence() == 2 ? last : last + 1)) {
                                if (events.isEmpty()) {
                                    return Optional.of(new Slice(List.of(), afterSeq, false, true));
                                }
                                break; // unreachable while ids increase by one; the next read reports it
                            }
                            if (id.getSequence() == 2) {
                                complete = true;
                                break;
                            }
                            events.add(event(entry.getFields()));
                            last = seq;
                        }
                    }
                }
                if (!events.isEmpty() || complete) {
                    return Optional.of(new Slice(events, last, complete, false));
                }
                if (first) {
                    first = false;
                    if (!jedis.exists(key)) {
                        return Optional.empty();
                    }
                    continue;
                }
                // Nothing new within a heartbeat: is the stream still there, and still being produced?
                if (!jedis.exists(key)) {
                    return Optional.empty();
                }
                if (!jedis.exists(keys.producer(streamId))) {
                    if (!checkedProducer) {
                        // The producer may have completed just now, or be late renewing its lease: wait one more
                        // heartbeat for an entry or a renewal before giving up on it.
                        checkedProducer = true;
                        deadline = Math.max(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                                heartbeatMillis));
                        continue;
                    }
                    throw new SseReplayException("stream " + streamId + ": the server producing it went away"
                            + " without finishing it (no heartbeat for " + leaseMillis + " ms)");
                }
                checkedProducer = false;
                if (remainingMillis <= 0) {
                    return Optional.of(new Slice(List.of(), afterSeq, false, false));
                }
            }
        }
    }

    private static SseEvent event(Map<String, String> fields) {
        SseEvent e = SseEvent.of(fields.getOrDefault(TYPE, "message"), fields.getOrDefault(DATA, ""));
        String id = fields.get(ID);
        return id == null ? e : e.withId(id);
    }

    // ---- readers on every server ----

    @Override
    public Registration reading(String streamId, Duration grace) {
        Objects.requireNonNull(streamId, "streamId");
        long linger = grace.toMillis();
        String member = instance + ":" + readerCount.incrementAndGet();
        readers.put(member, streamId);
        touchReader(streamId, member, leaseMillis);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                readers.remove(member);
                touchReader(streamId, member, linger);
            }
        };
    }

    private void touchReader(String streamId, String member, long millis) {
        try {
            withRedis(jedis -> jedis.eval(Scripts.TOUCH_READER, List.of(keys.readers(streamId)),
                    List.of(member, Long.toString(millis), Long.toString(ttlMillis))));
        } catch (JedisException e) {
            outageSeen(e); // the lease expires by itself, or the heartbeat renews it once Redis is back
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws SseReplayException when Redis is unreachable
     */
    @Override
    public boolean hasReaders(String streamId) {
        try {
            Object live = withRedis(jedis -> jedis.eval(Scripts.LIVE_READERS, List.of(keys.readers(streamId)),
                    List.of()));
            return live instanceof Long n && n > 0;
        } catch (JedisException e) {
            outageSeen(e);
            throw new SseReplayException("cannot count the readers of stream " + streamId + ": Redis at "
                    + shownAddress + " is unreachable (" + e.getMessage() + ")", e);
        }
    }

    // ---- stop and lookup, from any server ----

    @Override
    public Registration onStop(String streamId, Runnable stop) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(stop, "stop");
        stops.put(streamId, stop);
        return () -> stops.remove(streamId, stop);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A stream produced here stops at once; any other through a message on Redis's stop channel, which its
     * listener receives within a round trip, and a key its listener's heartbeat reads should the message be missed.
     *
     * @throws SseReplayException when Redis is unreachable and the stream is not produced here
     */
    @Override
    public void stop(String streamId) {
        if (stopHere(streamId)) {
            return;
        }
        try {
            withRedis(jedis -> {
                Pipeline pipe = jedis.pipelined();
                pipe.set(keys.stop(streamId), "1", SetParams.setParams().px(Math.max(ttlMillis, leaseMillis)));
                pipe.publish(keys.stopChannel(), streamId);
                pipe.sync();
                return null;
            });
        } catch (JedisException e) {
            outageSeen(e);
            throw new SseReplayException("cannot stop stream " + streamId + ": Redis at " + shownAddress
                    + " is unreachable (" + e.getMessage() + ")", e);
        }
    }

    private boolean stopHere(String streamId) {
        Runnable stop = stops.remove(streamId);
        if (stop == null) {
            return false;
        }
        log.debug("stopping stream {} on request", streamId);
        try {
            stop.run();
        } catch (RuntimeException e) {
            log.warn("stopping stream {} failed", streamId, e);
        }
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The mark lives as long as a stream's key ({@link Builder#ttl(Duration)}).
     *
     * @throws SseReplayException when Redis is unreachable
     */
    @Override
    public void markActive(String key, String streamId) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(streamId, "streamId");
        try {
            withRedis(jedis -> jedis.set(keys.active(key), streamId, SetParams.setParams().px(ttlMillis)));
        } catch (JedisException e) {
            throw unreachable("cannot mark the active stream of " + key, e);
        }
    }

    /** {@inheritDoc} @throws SseReplayException when Redis is unreachable */
    @Override
    public Optional<String> activeStream(String key) {
        Objects.requireNonNull(key, "key");
        try {
            return Optional.ofNullable(withRedis(jedis -> jedis.get(keys.active(key))));
        } catch (JedisException e) {
            throw unreachable("cannot look up the active stream of " + key, e);
        }
    }

    /** {@inheritDoc} @throws SseReplayException when Redis is unreachable */
    @Override
    public void clearActive(String key, String streamId) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(streamId, "streamId");
        try {
            withRedis(jedis -> jedis.eval(Scripts.CLEAR_IF_SAME, List.of(keys.active(key)), List.of(streamId)));
        } catch (JedisException e) {
            throw unreachable("cannot clear the active stream of " + key, e);
        }
    }

    private SseReplayException unreachable(String what, JedisException e) {
        outageSeen(e);
        return new SseReplayException(what + ": Redis at " + shownAddress + " is unreachable (" + e.getMessage()
                + ")", e);
    }

    // ---- the heartbeat: producer leases, key TTLs, reader leases, missed stops ----

    private void beat() {
        while (true) {
            lifecycle.lock();
            try {
                long wait = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
                while (!closed && wait > 0) {
                    wait = closing.awaitNanos(wait);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lifecycle.unlock();
            }
            beatOnce();
        }
    }

    private void beatOnce() {
        List<String> producing = new ArrayList<>();
        produced.forEach((id, p) -> {
            if (p.shared) {
                producing.add(id);
            }
        });
        Map<String, String> reading = Map.copyOf(readers);
        // Every stop listener, not only the streams produced here: a caller may listen under an id of its own.
        List<String> listening = new ArrayList<>(stops.keySet());
        if (producing.isEmpty() && reading.isEmpty() && listening.isEmpty()) {
            return;
        }
        List<Response<Boolean>> stopRequested = new ArrayList<>(listening.size());
        try (ConnectionPool.Lease lease = pool.lease()) {
            Jedis jedis = lease.jedis();
            Pipeline pipe = jedis.pipelined();
            for (String id : producing) {
                pipe.set(keys.producer(id), instance, SetParams.setParams().px(leaseMillis));
                pipe.pexpire(keys.events(id), ttlMillis);
            }
            for (String id : listening) {
                stopRequested.add(pipe.exists(keys.stop(id)));
            }
            reading.forEach((member, id) -> pipe.eval(Scripts.TOUCH_READER, List.of(keys.readers(id)),
                    List.of(member, Long.toString(leaseMillis), Long.toString(ttlMillis))));
            pipe.sync();
            redisBack();
        } catch (JedisException e) {
            outageSeen(e);
            return;
        }
        for (int i = 0; i < listening.size(); i++) {
            if (Boolean.TRUE.equals(stopRequested.get(i).get())) {
                stopHere(listening.get(i));
            }
        }
    }

    // ---- outages: one warning each ----

    private void redisLost(String consequence, JedisException e) {
        if (outageLogged.compareAndSet(false, true)) {
            log.warn("Redis at {} is unreachable ({}); {}; answers stay resumable on the server producing them"
                    + " until it is back", shownAddress, e.getMessage(), consequence);
        } else {
            log.debug("Redis at {} still unreachable: {}", shownAddress, consequence, e);
        }
    }

    private void outageSeen(JedisException e) {
        if (outageLogged.compareAndSet(false, true)) {
            log.warn("Redis at {} is unreachable ({}); answers stay resumable on the server producing them"
                    + " until it is back", shownAddress, e.getMessage());
        }
    }

    private void redisBack() {
        if (outageLogged.compareAndSet(true, false)) {
            log.info("Redis at {} is reachable again", shownAddress);
        }
    }

    /**
     * Closes the connections, the heartbeat thread and the stop listener; idempotent, any thread. Answers still
     * running here lose their Redis copy (readers elsewhere end with an error once the producer lease runs out).
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing.signalAll();
        } finally {
            lifecycle.unlock();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        lifecycle.lock();
        try {
            closed = true;
            closing.signalAll();
        } finally {
            lifecycle.unlock();
        }
        try {
            subscriber.close();
            if (heartbeat.isAlive()) {
                heartbeat.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    @Override
    public String toString() {
        return "RedisSseReplayBuffer{" + shownAddress + ", ttl=" + Duration.ofMillis(ttlMillis)
                + ", heartbeat=" + Duration.ofMillis(heartbeatMillis) + ", maxEventsPerStream="
                + maxEventsPerStream + ", producing=" + produced.size() + '}';
    }

    /** An answer produced on this server: whether Redis still has all of it, and its last event. */
    private static final class Produced {
        volatile boolean shared = true;
        volatile long lastSeq;
    }

    /** A builder of {@link RedisSseReplayBuffer}; not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private Duration ttl = Duration.ofMinutes(10);
        private int maxEventsPerStream = 10_000;
        private Duration heartbeat = Duration.ofSeconds(1);
        private String keyPrefix = "synapsekit:sse:";
        private int maxConnections = 256;
        private int localStreams = 10_000;
        private Duration timeout = Duration.ofSeconds(2);

        private Builder(URI uri) {
            RedisAddress.parse(uri);   // fails here, naming what is wrong, rather than at build()
            this.uri = uri;
        }

        /**
         * Sets how long a stream's events stay in Redis after its last write (each write and heartbeat renews it):
         * how late a client may still resume a finished answer. 10 minutes unless set.
         */
        public Builder ttl(Duration ttl) {
            this.ttl = positive(ttl, "ttl");
            return this;
        }

        /**
         * Sets roughly how many events of one stream Redis keeps ({@code MAXLEN ~}); a client further behind gets
         * an {@code error} event instead of a hole. 10,000 unless set.
         */
        public Builder maxEventsPerStream(int maxEvents) {
            if (maxEvents <= 0) {
                throw new IllegalArgumentException("maxEventsPerStream must be positive: " + maxEvents);
            }
            this.maxEventsPerStream = maxEvents;
            return this;
        }

        /**
         * Sets how often leases are renewed; a lease lasts five heartbeats. A producer's server that dies is noticed
         * by readers elsewhere within six heartbeats, and a reader's within five heartbeats plus the resume grace.
         * 1 second unless set.
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = positive(heartbeat, "heartbeat");
            return this;
        }

        /** Sets the prefix of every key and channel, to share one Redis among applications. */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Sets how many Redis connections this server opens at most: each client reading a stream produced on
         * another server holds one while it waits. 256 unless set.
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive: " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** Sets how many of its own answers this server also keeps in memory. 10,000 unless set. */
        public Builder localStreams(int streams) {
            if (streams <= 0) {
                throw new IllegalArgumentException("localStreams must be positive: " + streams);
            }
            this.localStreams = streams;
            return this;
        }

        /** Sets the timeout to connect, to get a connection from the pool, and to hear back from Redis. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /**
         * Connects: returns a buffer whose stop listener is subscribed.
         *
         * @throws SseReplayException when Redis cannot be reached within the timeout
         */
        public RedisSseReplayBuffer build() {
            RedisSseReplayBuffer buffer = new RedisSseReplayBuffer(this);
            buffer.open(timeout);
            return buffer;
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
