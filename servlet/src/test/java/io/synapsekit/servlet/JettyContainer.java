package io.synapsekit.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A real Jetty 12 (ee10) on loopback with its default pool: a QueuedThreadPool of at most 200 platform threads. */
final class JettyContainer implements Container {

    private final Server server;
    private final ServerConnector connector;
    private final QueuedThreadPool threads;

    JettyContainer(HttpServlet servlet, List<ServerEndpointConfig> endpoints, Set<Container.Option> options)
            throws Exception {
        server = new Server();
        threads = (QueuedThreadPool) server.getThreadPool();
        HttpConnectionFactory http1 = new HttpConnectionFactory();
        connector = options.contains(Container.Option.H2C)
                ? new ServerConnector(server, http1, new HTTP2CServerConnectionFactory())
                : new ServerConnector(server, http1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        if (servlet != null) {
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(!options.contains(Container.Option.NO_ASYNC));
            context.addServlet(holder, "/stream");
            context.addServlet(holder, "/stream/*"); // UiMessageServlet: {api}/{chatId}/stream
        }
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            for (ServerEndpointConfig endpoint : endpoints) {
                container.addEndpoint(endpoint);
            }
        });
        server.setHandler(context);
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public int busyThreads() {
        return threads.getBusyThreads();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    @Override
    public String toString() {
        return "Jetty";
    }
}
