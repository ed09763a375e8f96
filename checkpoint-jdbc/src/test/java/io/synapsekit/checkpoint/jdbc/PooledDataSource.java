package io.synapsekit.checkpoint.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal fixed-size connection pool for tests and benchmarks, as an application's pool would be: closing a
 * borrowed connection returns it. Not for production.
 */
public final class PooledDataSource implements DataSource, AutoCloseable {

    private final DataSource target;
    private final BlockingQueue<Connection> idle;

    public PooledDataSource(DataSource target, int size) {
        this.target = target;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = idle.poll();
        if (real == null || real.isClosed()) {
            real = target.getConnection();
        }
        Connection borrowed = real;
        boolean[] returned = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!returned[0]) {
                            returned[0] = true;
                            if (!borrowed.getAutoCommit()) {
                                borrowed.rollback();
                                borrowed.setAutoCommit(true);
                            }
                            if (!idle.offer(borrowed)) {
                                borrowed.close();
                            }
                        }
                        return null;
                    }
                    try {
                        return method.invoke(borrowed, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the pool has one user");
    }

    @Override
    public void close() throws SQLException {
        Connection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
