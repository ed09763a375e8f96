package io.synapsekit.redis;

import io.synapsekit.graph.CrashGraph;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;

/**
 * The Redis crash test's child JVM: starts a batch of graph runs on {@link RedisCheckpointer}, each counting its
 * side effects in Redis, and tells the parent on stdout how far they got, until the parent kills it.
 *
 * <p>Arguments: Redis URI, batch, runs, seed, {@code timed} or {@code frozen}.
 */
public final class CrashChild {

    /** The client name of every connection of this JVM, so the parent can wait until Redis has dropped them all. */
    static final String CLIENT_NAME = "synapsekit-crash-child";

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int batch = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        boolean timed = args[4].equals("timed");
        RedisCheckpointer checkpointer = RedisCheckpointer.connect(uri);
        CrashGraph.Effects fx = new CrashGraph.Effects() {
            @Override
            public void before(String thread, String node) throws Exception {
                CrashGraph.Plan plan = plan(thread, batch, seed);
                if (timed) {
                    TimeUnit.MILLISECONDS.sleep(plan.paceMillis());   // the node's work, spreading the runs out
                } else if (plan.node().equals(node) && !plan.afterEffect()) {
                    freeze(thread);
                }
            }

            @Override
            public void effect(String thread, String node) {
                count(uri, thread, node);
            }

            @Override
            public void after(String thread, String node) {
                CrashGraph.Plan plan = plan(thread, batch, seed);
                if (!timed && plan.node().equals(node) && plan.afterEffect()) {
                    freeze(thread);
                }
            }
        };
        CrashGraph.runUntilKilled(CrashGraph.build(fx).withCheckpointer(checkpointer), checkpointer, batch, runs,
                seed, timed);
    }

    /** Counts one side effect of {@code node} in Redis, where it survives the kill. */
    static void count(URI uri, String thread, String node) {
        try (Jedis jedis = new Jedis(uri.getHost(), uri.getPort())) {
            jedis.clientSetname(CLIENT_NAME);
            jedis.hincrBy(counters(thread), node, 1);
        }
    }

    static String counters(String thread) {
        return "crash-counters:{" + thread + "}";
    }

    private static CrashGraph.Plan plan(String thread, int batch, long seed) {
        int run = Integer.parseInt(thread.substring(thread.lastIndexOf('-') + 1));
        return CrashGraph.Plan.of(seed, batch, run);
    }

    private static void freeze(String thread) {
        say("FROZEN " + thread);
        while (true) {
            LockSupport.park();   // until the parent kills this JVM
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
