package io.synapsekit.redis;

import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CheckpointerContract;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** {@link RedisCheckpointer} passes the checkpointer conformance suite on a real Redis, time to live included. */
class RedisCheckpointerTest extends CheckpointerContract {

    private static RedisServer redis;
    private static RedisCheckpointer checkpointer;
    private final List<RedisCheckpointer> opened = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        checkpointer = RedisCheckpointer.connect(redis.uri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (checkpointer != null) {
            checkpointer.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeOpened() {
        opened.forEach(RedisCheckpointer::close);
    }

    @Override
    protected Checkpointer checkpointer() {
        return checkpointer;
    }

    @Override
    protected boolean supportsTtl() {
        return true;
    }

    @Override
    protected Checkpointer checkpointerWithTtl(Duration ttl, Clock clock) {
        RedisCheckpointer withTtl = RedisCheckpointer.builder(redis.uri()).ttl(ttl).clock(clock).build();
        opened.add(withTtl);
        return withTtl;
    }
}
