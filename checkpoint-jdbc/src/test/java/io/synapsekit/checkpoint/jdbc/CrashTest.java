package io.synapsekit.checkpoint.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CrashChecks;
import io.synapsekit.graph.CrashChildJvm;
import io.synapsekit.graph.CrashGraph;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Durable graph runs proven by killing their JVM: a six-node graph with a three-way fan-out runs 200 times on
 * PostgreSQL in child JVMs killed with {@code destroyForcibly} at seeded random points, and a fresh JVM resumes
 * every run. Each final state must equal an unbroken run's, and each node's side effect (a counter in PostgreSQL,
 * so it survives the kill) must have happened exactly once, except a node in flight at the kill: one whose effect
 * had committed but whose update was not yet checkpointed, which runs again and so counts exactly two.
 *
 * <p>The 200 runs go in 8 batches of 25 concurrent runs, one killed JVM and one resuming JVM per batch, so the test
 * pays 16 JVM starts rather than 400. Even batches freeze each run at a seeded node, before or after its side
 * effect, and are killed once all are frozen: every node and both sides of its effect are hit. Odd batches run
 * freely and are killed after a seeded random delay, landing anywhere, inside checkpoint writes included. Before
 * the fresh JVM starts, the test waits until PostgreSQL has no session of the killed JVM left, so a statement the
 * JVM sent just before dying has committed or not, for good, when the state at the kill is read.
 */
@ExtendWith(SharedPostgres.class)
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class CrashTest {

    private static final int BATCHES = 8;
    private static final int RUNS = 25;
    private static final long SEED = Long.getLong("synapsekit.crash.seed", 20261207L);

    /** What the test saw, for the coverage checks and the message. */
    private final CrashChecks checks = new CrashChecks(SEED);

    @Test
    void everyKilledRunResumesToTheUnbrokenStateWithEachSideEffectOnce() throws Exception {
        DataSource ds = SharedPostgres.server().dataSource();
        PostgresServer.execute(ds, "CREATE TABLE IF NOT EXISTS crash_counters (thread_id TEXT NOT NULL, "
                + "node TEXT NOT NULL, n INT NOT NULL, PRIMARY KEY (thread_id, node))");
        PostgresServer.execute(ds, "DELETE FROM crash_counters");
        JdbcCheckpointer checkpointer = JdbcCheckpointer.of(ds);
        for (int b = 0; b < BATCHES; b++) {
            for (int r = 0; r < RUNS; r++) {
                checkpointer.delete(CrashGraph.thread(b, r));
            }
        }
        Random delays = new Random(SEED);

        for (int batch = 0; batch < BATCHES; batch++) {
            boolean timed = batch % 2 == 1;
            try (CrashChildJvm killed = child("run", batch, timed)) {
                if (timed) {
                    killed.await(line -> line.equals("STARTED"), 1);
                    TimeUnit.MILLISECONDS.sleep(delays.nextInt(250));   // the seeded kill point itself
                } else {
                    killed.await(line -> line.startsWith("FROZEN ") || line.startsWith("DONE "), RUNS);
                }
                killed.kill();
            }
            awaitNoSessionsOf(ds, "synapsekit-crash-" + batch + "-run");
            List<Map<String, Integer>> countsAtKill = new ArrayList<>();
            List<Optional<Checkpoint>> headsAtKill = new ArrayList<>();
            for (int r = 0; r < RUNS; r++) {
                countsAtKill.add(counts(ds, CrashGraph.thread(batch, r)));
                headsAtKill.add(checkpointer.head(CrashGraph.thread(batch, r)));
            }

            try (CrashChildJvm resumer = child("resume", batch, timed)) {
                resumer.await(line -> line.equals("RESUMED"), 1);
                assertThat(resumer.exit()).as("the resuming JVM's exit status").isZero();
            }

            for (int r = 0; r < RUNS; r++) {
                checks.check(batch, r, timed, countsAtKill.get(r), headsAtKill.get(r), counts(ds, CrashGraph.thread(batch, r)),
                        checkpointer.head(CrashGraph.thread(batch, r)).orElseThrow());
            }
        }

        Map<String, Integer> seen = checks.seen();
        System.out.println("crash test, seed " + SEED + ": " + seen);   // in the Surefire report, for the record
        assertThat(seen.getOrDefault("runs", 0)).isEqualTo(BATCHES * RUNS);
        assertThat(seen.getOrDefault("killed mid-fan-out with some branches stored (frozen)", 0))
                .as("coverage: %s", seen).isPositive();
        assertThat(seen.getOrDefault("nodes in flight at the kill, run twice", 0)).as("coverage: %s", seen)
                .isPositive();
    }

    private static Map<String, Integer> counts(DataSource ds, String thread) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT node, n FROM crash_counters WHERE thread_id = ?")) {
            ps.setString(1, thread);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /** Waits until PostgreSQL has closed every session of the killed JVM: its last statements are settled. */
    private static void awaitNoSessionsOf(DataSource ds, String application) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
                ps.setString(1, application);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("PostgreSQL still has sessions of " + application + " after 30 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);   // polling interval of a deadline poll
        }
    }

    private static CrashChildJvm child(String mode, int batch, boolean timed) throws IOException {
        return CrashChildJvm.start(CrashChild.class, mode, SharedPostgres.server().url(), String.valueOf(batch),
                String.valueOf(RUNS), String.valueOf(SEED), timed ? "timed" : "frozen");
    }
}
