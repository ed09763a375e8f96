package io.synapsekit.checkpoint.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CheckpointException;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.StateGraph;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** The checkpoint tables: created on first use, once, by many JVMs at once; a newer schema is refused, by name. */
@ExtendWith(SharedPostgres.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchemaTest {

    private DataSource fresh;

    @BeforeEach
    void freshDatabase() throws SQLException {
        String db = "schema_" + UUID.randomUUID().toString().replace("-", "");
        PostgresServer.execute(SharedPostgres.server().dataSource(), "CREATE DATABASE " + db);
        PGSimpleDataSource ds = SharedPostgres.server().dataSource();
        ds.setDatabaseName(db);
        fresh = ds;
    }

    @Test
    void theTablesAreCreatedOnFirstUseAndTheVersionRecorded() throws SQLException {
        assertThat(tables()).doesNotContain("synapsekit_checkpoints");
        JdbcCheckpointer cp = JdbcCheckpointer.of(fresh);
        assertThat(tables()).as("nothing before the first call").doesNotContain("synapsekit_checkpoints");

        assertThat(cp.head("t")).isEmpty();

        assertThat(tables()).contains("synapsekit_checkpoints", "synapsekit_checkpoint_writes",
                "synapsekit_checkpoint_schema");
        assertThat(schemaVersions()).containsExactly(Schema.VERSION);
    }

    @Test
    void manyCheckpointersStartingAtOnceMigrateOnce() throws Exception {
        int jvms = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    JdbcCheckpointer.of(fresh).history("t", 1);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).isEmpty();
        assertThat(schemaVersions()).containsExactly(Schema.VERSION);
    }

    @Test
    void aSchemaNewerThanThisLibraryIsRefusedByName() throws SQLException {
        PostgresServer.execute(fresh, "CREATE TABLE synapsekit_checkpoint_schema (version INT NOT NULL)");
        PostgresServer.execute(fresh, "INSERT INTO synapsekit_checkpoint_schema VALUES (" + (Schema.VERSION + 1)
                + ")");

        assertThatThrownBy(() -> JdbcCheckpointer.of(fresh).head("t")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("schema version " + (Schema.VERSION + 1))
                .hasMessageContaining("upgrade synapsekit-checkpoint-jdbc");
    }

    @Test
    void aGraphRunResumesInASecondCheckpointerOnTheSameDatabase() {
        CompiledGraph graph = new StateGraph()
                .addNode("a", s -> Map.of("a", 1))
                .addNode("b", s -> Map.of("b", ((Number) s.get("a")).intValue() + 1))
                .addEdge("a", "b").setEntryPoint("a").compile();
        graph.withCheckpointer(JdbcCheckpointer.of(fresh)).interruptBefore("b").events("t", Map.of()).toList();

        CompiledGraph elsewhere = graph.withCheckpointer(JdbcCheckpointer.of(fresh));
        Checkpoint paused = elsewhere.state("t").orElseThrow();
        assertThat(paused.next()).containsExactly("b");
        assertThat(paused.createdAt()).isBefore(Instant.now().plusSeconds(1));
        assertThat(elsewhere.resume("t", null).toList().getLast().toString()).contains("Done");
        assertThat(elsewhere.state("t").orElseThrow().state()).containsEntry("b", 2);
    }

    private List<String> tables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = fresh.getConnection(); ResultSet rs = c.getMetaData().getTables(null, "public", "%",
                new String[] {"TABLE"})) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }

    private List<Integer> schemaVersions() throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (Connection c = fresh.getConnection(); var s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM synapsekit_checkpoint_schema")) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }
}
