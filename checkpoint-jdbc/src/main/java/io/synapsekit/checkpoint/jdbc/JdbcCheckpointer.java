package io.synapsekit.checkpoint.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CheckpointConflictException;
import io.synapsekit.graph.CheckpointException;
import io.synapsekit.graph.Checkpointer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A graph {@link Checkpointer} in PostgreSQL, over plain JDBC with the application's {@link DataSource}: graph runs
 * that pause for a person, or whose JVM dies, resume from it in any JVM that reaches the database.
 *
 * <pre>{@code
 * CompiledGraph durable = graph.compile().withCheckpointer(JdbcCheckpointer.of(dataSource));
 * durable.invoke("order-42", Map.of("order", 42));
 * }</pre>
 *
 * <p>Its tables ({@code synapsekit_checkpoints}, {@code synapsekit_checkpoint_writes}, and
 * {@code synapsekit_checkpoint_schema}, which records their version) are created, or migrated to this version,
 * on first use, under a transaction-scoped advisory lock so that many JVMs may start at once. Each checkpoint is one
 * row (its {@linkplain Checkpoint#toJson() JSON form} plus keys); each pending write of a fan-out branch, one row.
 * {@link #put} is one statement that inserts the next version only if the head is the one before it; the primary
 * key on (thread, version) makes concurrent puts of one version end in one row and
 * {@link CheckpointConflictException}s.
 *
 * <p>Thread-safe; each call borrows one connection from the data source and returns it. Calls block on the
 * database; a database error is a {@link CheckpointException} naming the operation, the thread and the SQL state,
 * never the connection's URL or credentials. No time to live: delete finished threads with {@link #delete}.
 */
public final class JdbcCheckpointer implements Checkpointer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, @Nullable Object>> MAP = new TypeReference<>() {
    };
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private static final String INSERT = "INSERT INTO synapsekit_checkpoints "
            + "(thread_id, version, checkpoint_id, parent_id, body) SELECT ?, ?, ?, ?, ? WHERE "
            + "COALESCE((SELECT max(version) FROM synapsekit_checkpoints WHERE thread_id = ?), 0) = ?";
    private static final String HEAD_VERSION =
            "SELECT COALESCE(max(version), 0) FROM synapsekit_checkpoints WHERE thread_id = ?";
    private static final String WRITE = "INSERT INTO synapsekit_checkpoint_writes "
            + "(thread_id, checkpoint_id, node, update_json) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (thread_id, checkpoint_id, node) DO UPDATE SET update_json = EXCLUDED.update_json";
    /** The chosen checkpoints with their writes, one row per write (or one with nulls), newest first. */
    private static final String WITH_WRITES = "SELECT c.version, c.body, w.node, w.update_json FROM (%s) c "
            + "LEFT JOIN synapsekit_checkpoint_writes w "
            + "ON w.thread_id = c.thread_id AND w.checkpoint_id = c.checkpoint_id ORDER BY c.version DESC";
    private static final String HEAD = WITH_WRITES.formatted("SELECT thread_id, checkpoint_id, version, body "
            + "FROM synapsekit_checkpoints WHERE thread_id = ? ORDER BY version DESC LIMIT 1");
    private static final String GET = WITH_WRITES.formatted("SELECT thread_id, checkpoint_id, version, body "
            + "FROM synapsekit_checkpoints WHERE thread_id = ? AND checkpoint_id = ?");
    private static final String HISTORY = WITH_WRITES.formatted("SELECT thread_id, checkpoint_id, version, body "
            + "FROM synapsekit_checkpoints WHERE thread_id = ? ORDER BY version DESC LIMIT ?");
    private static final String DELETE = "DELETE FROM synapsekit_checkpoints WHERE thread_id = ?";

    private final DataSource dataSource;
    private final Schema schema;

    private JdbcCheckpointer(DataSource dataSource) {
        this.dataSource = dataSource;
        this.schema = new Schema(dataSource);
    }

    /**
     * Returns a checkpointer that stores in the PostgreSQL database {@code dataSource} connects to. Nothing is
     * read or created until the first call.
     */
    public static JdbcCheckpointer of(DataSource dataSource) {
        return new JdbcCheckpointer(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public void put(Checkpoint checkpoint) {
        String body = checkpoint.toJson();
        String thread = checkpoint.threadId();
        try (Connection c = connection()) {
            int inserted;
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, thread);
                ps.setLong(2, checkpoint.version());
                ps.setString(3, checkpoint.id());
                ps.setString(4, checkpoint.parentId());
                ps.setString(5, body);
                ps.setString(6, thread);
                ps.setLong(7, checkpoint.version() - 1);
                inserted = ps.executeUpdate();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw new CheckpointConflictException(thread, checkpoint.version(), headVersion(c, thread));
                }
                throw e;
            }
            if (inserted == 0) {
                throw new CheckpointConflictException(thread, checkpoint.version(), headVersion(c, thread));
            }
        } catch (SQLException e) {
            throw failure("store a checkpoint of", thread, e);
        }
    }

    private static long headVersion(Connection c, String thread) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HEAD_VERSION)) {
            ps.setString(1, thread);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void putWrite(String threadId, String checkpointId, String node, Map<String, @Nullable Object> update) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        Objects.requireNonNull(node, "node");
        String json;
        try {
            json = JSON.writeValueAsString(Objects.requireNonNull(update, "update"));
        } catch (JsonProcessingException e) {
            throw new CheckpointException("the update of node '" + node + "' in thread '" + threadId
                    + "' cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(WRITE)) {
            ps.setString(1, threadId);
            ps.setString(2, checkpointId);
            ps.setString(3, node);
            ps.setString(4, json);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                throw new CheckpointException("thread '" + threadId + "' has no checkpoint '" + checkpointId
                        + "' to add the write of node '" + node + "' to", e);
            }
            throw failure("store a pending write of", threadId, e);
        }
    }

    @Override
    public Optional<Checkpoint> head(String threadId) {
        List<Checkpoint> found = query(HEAD, threadId, ps -> ps.setString(1, threadId));
        return found.stream().findFirst();
    }

    @Override
    public Optional<Checkpoint> get(String threadId, String checkpointId) {
        Objects.requireNonNull(checkpointId, "checkpointId");
        List<Checkpoint> found = query(GET, threadId, ps -> {
            ps.setString(1, threadId);
            ps.setString(2, checkpointId);
        });
        return found.stream().findFirst();
    }

    @Override
    public List<Checkpoint> history(String threadId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        return query(HISTORY, threadId, ps -> {
            ps.setString(1, threadId);
            ps.setInt(2, limit);
        });
    }

    @Override
    public void delete(String threadId) {
        Objects.requireNonNull(threadId, "threadId");
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            ps.setString(1, threadId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("delete", threadId, e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Runs one of the checkpoint queries and folds its rows, one per pending write, into checkpoints. */
    private List<Checkpoint> query(String sql, String threadId, Binder binder) {
        Objects.requireNonNull(threadId, "threadId");
        Map<Long, String> bodies = new LinkedHashMap<>();
        Map<Long, Map<String, Map<String, @Nullable Object>>> writes = new LinkedHashMap<>();
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long version = rs.getLong(1);
                    bodies.putIfAbsent(version, rs.getString(2));
                    String node = rs.getString(3);
                    if (node != null) {
                        writes.computeIfAbsent(version, v -> new LinkedHashMap<>())
                                .put(node, JSON.readValue(rs.getString(4), MAP));
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read checkpoints of", threadId, e);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("a pending write of thread '" + threadId + "' is not JSON: "
                    + e.getOriginalMessage(), e);
        }
        List<Checkpoint> out = new ArrayList<>(bodies.size());
        bodies.forEach((version, body) -> {
            Checkpoint cp = Checkpoint.fromJson(body);
            for (var w : writes.getOrDefault(version, Map.of()).entrySet()) {
                cp = cp.withWrite(w.getKey(), w.getValue());
            }
            out.add(cp);
        });
        return out;
    }

    private Connection connection() throws SQLException {
        schema.ensure();
        Connection c = dataSource.getConnection();
        if (!c.getAutoCommit()) {
            c.setAutoCommit(true);   // each call is one statement; a pooled connection may come in a transaction
        }
        return c;
    }

    private static CheckpointException failure(String what, String threadId, SQLException e) {
        return new CheckpointException("PostgreSQL could not " + what + " thread '" + threadId + "' (SQL state "
                + e.getSQLState() + "): " + e.getMessage(), e);
    }
}
