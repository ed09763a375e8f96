package io.synapsekit.benchmarks;

import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty 12 a benchmark's server JVM serves from: one async servlet on loopback, requests on virtual threads, as
 * a user of the servlet module would run it.
 */
public final class LoopbackJetty {

    private LoopbackJetty() {
    }

    /**
     * Starts Jetty on a free loopback port with {@code servlet} (async-supported) at {@code path}.
     *
     * @param acceptQueue the listen backlog: a burst of thousands of connects must not be refused
     * @param idleTimeout how long a held, silent connection stays open
     */
    public static Server start(HttpServlet servlet, String path, int acceptQueue, Duration idleTimeout)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(acceptQueue);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
        server.setHandler(context);
        server.start();
        return server;
    }

    /** Returns the port {@code server} (started by {@link #start}) listens on. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
