package io.synapsekit.redis;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A bounded pool of Jedis connections built on {@code java.util.concurrent} only, so that a virtual thread waiting
 * for a connection, or handing one back, never pins its carrier.
 *
 * <p>Why not {@code JedisPool}: commons-pool2 returns a connection inside {@code synchronized} on the pooled object
 * and takes its deque's lock there; when that lock is contended, the returning virtual thread parks while holding a
 * monitor, which pins its carrier on JDK 21 (seen by {@code PinningTest}: readers handing connections back at once).
 * Here a permit bounds the connections and idle ones wait in a lock-free deque, newest first, so the one reused is
 * the one most likely still alive.
 */
final class ConnectionPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectionPool.class);

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final int maxConnections;
    private final Duration maxWait;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Jedis> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    ConnectionPool(HostAndPort address, JedisClientConfig config, int maxConnections, Duration maxWait) {
        this.address = address;
        this.config = config;
        this.maxConnections = maxConnections;
        this.maxWait = maxWait;
        this.permits = new Semaphore(maxConnections);
    }

    /**
     * Returns a connection for one piece of work, to be closed when done: an idle one, or a new one while fewer than
     * the maximum are open; waits up to the pool's wait for one to come back.
     *
     * @throws JedisConnectionException when the pool is closed, none came back in time, the wait was interrupted
     *     (the interrupt stays set), or a new connection could not be made
     */
    Lease lease() {
        if (closed) {
            throw new JedisConnectionException("the Redis connection pool is closed");
        }
        try {
            if (!permits.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new JedisConnectionException("all " + maxConnections + " Redis connections stayed in use for "
                        + maxWait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JedisConnectionException("interrupted while waiting for a Redis connection", e);
        }
        Jedis jedis = idle.pollFirst();
        if (jedis == null) {
            try {
                jedis = new Jedis(address, config);
                jedis.connect();
            } catch (RuntimeException e) {
                permits.release();
                if (jedis != null) {
                    closeQuietly(jedis);
                }
                throw e;
            }
        }
        return new Lease(jedis);
    }

    /** Closes every idle connection: after a Redis restart each of them is dead. Leased ones close when broken. */
    void clear() {
        for (Jedis jedis; (jedis = idle.pollFirst()) != null; ) {
            closeQuietly(jedis);
        }
    }

    @Override
    public void close() {
        closed = true;
        clear();
    }

    private void giveBack(Jedis jedis) {
        try {
            if (closed || jedis.isBroken()) {
                closeQuietly(jedis);
            } else {
                idle.offerFirst(jedis);
                if (closed) {
                    clear(); // closed while it was being given back
                }
            }
        } finally {
            permits.release();
        }
    }

    private static void closeQuietly(Jedis jedis) {
        try {
            jedis.close();
        } catch (JedisException e) {
            log.debug("closing a Redis connection failed", e);
        }
    }

    /** One connection, leased until {@link #close()}, which gives it back (or closes it when broken). */
    final class Lease implements AutoCloseable {
        private final Jedis jedis;
        private boolean returned;

        private Lease(Jedis jedis) {
            this.jedis = jedis;
        }

        Jedis jedis() {
            return jedis;
        }

        @Override
        public void close() {
            if (!returned) {
                returned = true;
                giveBack(jedis);
            }
        }
    }
}
