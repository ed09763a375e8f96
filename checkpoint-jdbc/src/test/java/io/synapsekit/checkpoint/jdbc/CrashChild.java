package io.synapsekit.checkpoint.jdbc;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.CrashGraph;
import io.synapsekit.graph.GraphEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The crash test's child JVM. {@code run}: starts a batch of graph runs on PostgreSQL, each doing its side effects
 * as counters in PostgreSQL, and tells the parent on stdout how far they got, until the parent kills it.
 * {@code resume}: a fresh JVM that finishes every run of the batch from its checkpoints, then exits 0.
 *
 * <p>Arguments: mode, JDBC URL, batch, runs, seed, {@code timed} or {@code frozen}.
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[1]);
        int batch = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        boolean timed = args[5].equals("timed");
        ds.setApplicationName("synapsekit-crash-" + batch + "-" + mode);
        PooledDataSource pool = new PooledDataSource(ds, 64);
        JdbcCheckpointer checkpointer = JdbcCheckpointer.of(pool);
        if (mode.equals("run")) {
            run(pool, checkpointer, batch, runs, seed, timed);
        } else {
            resume(pool, checkpointer, batch, runs, seed);
        }
    }

    private static void run(PooledDataSource pool, JdbcCheckpointer checkpointer, int batch, int runs, long seed,
            boolean timed) throws Exception {
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
            public void effect(String thread, String node) throws Exception {
                count(pool, thread, node);
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

    private static void resume(PooledDataSource pool, JdbcCheckpointer checkpointer, int batch, int runs, long seed)
            throws Exception {
        CrashGraph.Effects fx = new CrashGraph.Effects() {
            @Override
            public void before(String thread, String node) {
            }

            @Override
            public void effect(String thread, String node) throws Exception {
                count(pool, thread, node);
            }

            @Override
            public void after(String thread, String node) {
            }
        };
        CompiledGraph graph = CrashGraph.build(fx).withCheckpointer(checkpointer);
        for (int i = 0; i < runs; i++) {
            String thread = CrashGraph.thread(batch, i);
            var head = checkpointer.head(thread);
            if (head.isEmpty()) {
                graph.invoke(thread, CrashGraph.input(thread, seed + i));   // killed before its first checkpoint
            } else if (head.get().resumable()) {
                List<GraphEvent> events = graph.resume(thread, null).toList();
                if (!(events.getLast() instanceof GraphEvent.Done)) {
                    throw new IllegalStateException(thread + " did not finish: " + events.getLast());
                }
            }
        }
        pool.close();
        say("RESUMED");
        System.exit(0);
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

    private static void count(PooledDataSource pool, String thread, String node) throws Exception {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO crash_counters (thread_id, node, n) VALUES (?, ?, 1) "
                        + "ON CONFLICT (thread_id, node) DO UPDATE SET n = crash_counters.n + 1")) {
            ps.setString(1, thread);
            ps.setString(2, node);
            ps.executeUpdate();
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
