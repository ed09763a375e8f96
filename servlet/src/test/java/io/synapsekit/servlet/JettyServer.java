package io.synapsekit.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A real Jetty 12 on loopback, serving requests on virtual threads, with a servlet and WebSocket endpoints. */
final class JettyServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    JettyServer(HttpServlet servlet, List<ServerEndpointConfig> endpoints) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        if (servlet != null) {
            context.addServlet(new ServletHolder(servlet), "/stream");
        }
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            for (ServerEndpointConfig endpoint : endpoints) {
                container.addEndpoint(endpoint);
            }
        });
        server.setHandler(context);
        server.start();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery);
    }

    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + path);
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
