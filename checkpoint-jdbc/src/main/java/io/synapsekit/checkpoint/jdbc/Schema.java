package io.synapsekit.checkpoint.jdbc;

import io.synapsekit.graph.CheckpointException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The checkpoint tables, created or migrated to {@link #VERSION} once per checkpointer, before its first statement.
 * Each migration runs in one transaction under an advisory lock, so JVMs starting together migrate once.
 */
final class Schema {

    /** The schema version this library writes. */
    static final int VERSION = 1;

    /** An arbitrary key for {@code pg_advisory_xact_lock}, taken by every JVM that migrates these tables. */
    private static final long LOCK_KEY = 0x5359_4E41_5053_4B31L;

    /** Migration {@code i} takes the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE synapsekit_checkpoints (thread_id TEXT NOT NULL, version BIGINT NOT NULL, "
                    + "checkpoint_id TEXT NOT NULL, parent_id TEXT, body TEXT NOT NULL, "
                    + "created_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (thread_id, version), "
                    + "UNIQUE (thread_id, checkpoint_id))",
            "CREATE TABLE synapsekit_checkpoint_writes (thread_id TEXT NOT NULL, checkpoint_id TEXT NOT NULL, "
                    + "node TEXT NOT NULL, update_json TEXT NOT NULL, PRIMARY KEY (thread_id, checkpoint_id, node), "
                    + "FOREIGN KEY (thread_id, checkpoint_id) REFERENCES synapsekit_checkpoints "
                    + "(thread_id, checkpoint_id) ON DELETE CASCADE)"));

    private final DataSource dataSource;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean ready;

    Schema(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates or migrates the tables unless this checkpointer did already. */
    void ensure() {
        if (ready) {
            return;
        }
        lock.lock();
        try {
            if (!ready) {
                migrate();
                ready = true;
            }
        } finally {
            lock.unlock();
        }
    }

    private void migrate() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                s.execute("CREATE TABLE IF NOT EXISTS synapsekit_checkpoint_schema (version INT NOT NULL)");
                int current;
                try (ResultSet rs = s.executeQuery("SELECT COALESCE(max(version), 0) FROM "
                        + "synapsekit_checkpoint_schema")) {
                    rs.next();
                    current = rs.getInt(1);
                }
                if (current > VERSION) {
                    throw new CheckpointException("the checkpoint tables are at schema version " + current
                            + ", newer than this library's " + VERSION + "; upgrade synapsekit-checkpoint-jdbc", null);
                }
                for (int v = current; v < VERSION; v++) {
                    for (String ddl : MIGRATIONS.get(v)) {
                        s.execute(ddl);
                    }
                }
                if (current < VERSION) {
                    s.execute("DELETE FROM synapsekit_checkpoint_schema");
                    s.execute("INSERT INTO synapsekit_checkpoint_schema (version) VALUES (" + VERSION + ")");
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new CheckpointException("PostgreSQL could not create or migrate the checkpoint tables (SQL state "
                    + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }
}
