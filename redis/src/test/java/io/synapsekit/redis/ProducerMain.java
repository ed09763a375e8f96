package io.synapsekit.redis;

import io.synapsekit.sse.SseEvent;
import java.net.URI;
import java.time.Duration;

/**
 * A producer in a JVM of its own, for the test that kills it: starts stream {@code args[1]} in Redis at
 * {@code args[0]} with one event, prints {@code ready}, then waits to be killed.
 */
public final class ProducerMain {

    private ProducerMain() {
    }

    public static void main(String[] args) throws Exception {
        RedisSseReplayBuffer buffer = RedisSseReplayBuffer.builder(URI.create(args[0]))
                .heartbeat(Duration.ofMillis(100)).build();
        String id = args[1];
        buffer.begin(id);
        buffer.append(id, 1, SseEvent.message("one").withId(id + "-1"));
        System.out.println("ready");
        System.out.flush();
        System.in.read(); // until killed, or the test's end closes our stdin
        buffer.close();
    }
}
