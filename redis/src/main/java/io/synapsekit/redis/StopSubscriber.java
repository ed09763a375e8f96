package io.synapsekit.redis;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Listens on the buffer's stop channel on a connection of its own, on a virtual thread, and hands each stream id
 * announced there to {@code onStop}. A lost connection is opened again after a pause; stops announced meanwhile
 * reach the producer through the heartbeat's look at the stop keys.
 */
final class StopSubscriber {

    private static final Logger log = LoggerFactory.getLogger(StopSubscriber.class);

    private final HostAndPort address;
    private final JedisClientConfig config;
    private final String channel;
    private final Consumer<String> onStop;
    private final Duration retryPause;
    private final CountDownLatch firstSubscribed = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition closing = lock.newCondition();
    private boolean closed;
    private @Nullable Jedis connection;
    private @Nullable JedisPubSub subscription;
    private final Thread thread;

    StopSubscriber(HostAndPort address, JedisClientConfig config, String channel, Consumer<String> onStop,
            Duration retryPause) {
        this.address = address;
        this.config = config;
        this.channel = channel;
        this.onStop = onStop;
        this.retryPause = retryPause;
        this.thread = Thread.ofVirtual().name("synapsekit-redis-stops").unstarted(this::run);
        thread.setUncaughtExceptionHandler((t, e) -> log.error("Redis stop listener failed", e));
    }

    /** Starts listening; returns whether the first subscription was confirmed within {@code timeout}. */
    boolean start(Duration timeout) throws InterruptedException {
        thread.start();
        return firstSubscribed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void run() {
        while (true) {
            JedisPubSub pubSub = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    onStop.accept(message);
                }

                @Override
                public void onSubscribe(String channel, int subscribedChannels) {
                    firstSubscribed.countDown();
                }
            };
            Jedis jedis;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                jedis = new Jedis(address, config);
                connection = jedis;
                subscription = pubSub;
            } finally {
                lock.unlock();
            }
            try {
                jedis.subscribe(pubSub, channel); // returns when unsubscribed
            } catch (JedisException e) {
                log.debug("Redis stop listener lost its connection; reconnecting", e);
            } finally {
                jedis.close();
            }
            lock.lock();
            try {
                connection = null;
                subscription = null;
                long wait = retryPause.toNanos();
                while (!closed && wait > 0) {
                    wait = closing.awaitNanos(wait);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops listening and waits a while for the thread to end; idempotent. */
    void close() throws InterruptedException {
        Jedis jedis;
        JedisPubSub pubSub;
        lock.lock();
        try {
            closed = true;
            closing.signalAll();
            jedis = connection;
            pubSub = subscription;
        } finally {
            lock.unlock();
        }
        if (pubSub != null && pubSub.isSubscribed()) {
            try {
                pubSub.unsubscribe();
            } catch (JedisException | IllegalStateException e) {
                log.debug("Redis stop listener: unsubscribe failed; closing its connection", e);
            }
        }
        if (jedis != null && !thread.join(Duration.ofSeconds(1))) {
            jedis.disconnect(); // wakes a subscriber whose unsubscribe went nowhere
        }
        thread.join(Duration.ofSeconds(5));
    }
}
