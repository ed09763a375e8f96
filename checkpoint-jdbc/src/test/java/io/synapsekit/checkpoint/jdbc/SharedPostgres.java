package io.synapsekit.checkpoint.jdbc;

import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test PostgreSQL for all test classes of a run, started on first use and stopped when the JUnit run ends
 * (failed or not), through the root context's store. Test classes say {@code @ExtendWith(SharedPostgres.class)} and
 * read {@link #server()} in their {@code @BeforeAll}.
 */
final class SharedPostgres implements BeforeAllCallback {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile PostgresServer current;

    @Override
    public void beforeAll(ExtensionContext context) {
        current = get(context);
    }

    /** Returns the server started for this run; skips the class when PostgreSQL is missing, unless required. */
    static PostgresServer server() {
        return current;
    }

    private static PostgresServer get(ExtensionContext context) {
        LOCK.lock();
        try {
            ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
            Holder h = store.getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class);
            return h.server();
        } finally {
            LOCK.unlock();
        }
    }

    /** Starts the server lazily; JUnit closes it at the end of the run. */
    private static final class Holder implements AutoCloseable {
        private PostgresServer server;
        private RuntimeException missing;

        PostgresServer server() {
            if (server == null && missing == null) {
                try {
                    server = PostgresServer.start(false);
                } catch (PostgresServer.Missing e) {
                    missing = e;
                } catch (Exception e) {
                    missing = new IllegalStateException("the test PostgreSQL did not start", e);
                }
            }
            if (missing instanceof PostgresServer.Missing m && !PostgresServer.required()) {
                Assumptions.abort(m.getMessage() + " (set SYNAPSEKIT_REQUIRE_POSTGRES=1 to fail instead)");
            }
            if (missing != null) {
                throw missing;
            }
            return server;
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
