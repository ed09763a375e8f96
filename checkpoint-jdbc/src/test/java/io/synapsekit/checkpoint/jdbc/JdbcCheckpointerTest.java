package io.synapsekit.checkpoint.jdbc;

import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CheckpointerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link JdbcCheckpointer} passes the checkpointer conformance suite on a real PostgreSQL; it has no time to live. */
@ExtendWith(SharedPostgres.class)
class JdbcCheckpointerTest extends CheckpointerContract {

    private static PooledDataSource pool;
    private static JdbcCheckpointer checkpointer;

    @BeforeAll
    static void connect() {
        pool = new PooledDataSource(SharedPostgres.server().dataSource(), 16);
        checkpointer = JdbcCheckpointer.of(pool);
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (pool != null) {
            pool.close();
        }
    }

    @Override
    protected Checkpointer checkpointer() {
        return checkpointer;
    }
}
