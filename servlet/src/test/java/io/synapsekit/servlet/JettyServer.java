package io.synapsekit.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/** A real Jetty 12 on loopback, every task on a virtual thread (VirtualThreadPool), with a servlet and WebSocket endpoints. */
final class JettyServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    JettyServer(HttpServlet servlet, List<ServerEndpointConfig> endpoints) throws Exception {
        server = new Server(new VirtualThreadPool(10_000));
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
