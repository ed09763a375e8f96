package io.synapsekit.redis;

import java.time.Duration;

/**
 * One real Redis, one mock model and two servers on it ({@code a} and {@code b}), each with its own buffer object
 * and its own Redis connections: the setting of every cross-server test. Closes in reverse order of starting, also
 * when starting fails half-way.
 */
final class TwoNodes implements AutoCloseable {

    final RedisServer redis;
    final MockLlm llm;
    final SseNode a;
    final SseNode b;

    private TwoNodes(RedisServer redis, MockLlm llm, SseNode a, SseNode b) {
        this.redis = redis;
        this.llm = llm;
        this.a = a;
        this.b = b;
    }

    /** Starts both servers with {@code keepAlive} between comments on a silent stream. */
    static TwoNodes start(Duration keepAlive) throws Exception {
        RedisServer redis = RedisServer.start();
        MockLlm llm = null;
        SseNode a = null;
        try {
            llm = new MockLlm();
            a = new SseNode(redis.uri(), llm.baseUrl(), keepAlive);
            SseNode b = new SseNode(redis.uri(), llm.baseUrl(), keepAlive);
            return new TwoNodes(redis, llm, a, b);
        } catch (Exception | Error e) {
            if (a != null) {
                a.close();
            }
            if (llm != null) {
                llm.close();
            }
            redis.close();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            a.close();
            b.close();
            llm.close();
        } finally {
            redis.close();
        }
    }
}
