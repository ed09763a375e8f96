package io.synapsekit.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.List;

/**
 * A real servlet container on loopback serving one servlet at {@code /stream} (async-supported) and WebSocket
 * endpoints, so that every servlet test runs on each {@link Kind}: Jetty 12 and Tomcat 11, both embedded with
 * their default bounded platform-thread pools.
 */
interface Container extends AutoCloseable {

    /** The containers the tests run on. */
    enum Kind {
        JETTY {
            @Override
            Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints, boolean async)
                    throws Exception {
                return new JettyContainer(servlet, endpoints, async);
            }
        },
        TOMCAT {
            @Override
            Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints, boolean async)
                    throws Exception {
                return new TomcatContainer(servlet, endpoints, async);
            }
        };

        /** Starts the container with {@code servlet} (if not null) at {@code /stream} and {@code endpoints}. */
        Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints) throws Exception {
            return start(servlet, endpoints, true);
        }

        /** Starts the container, the servlet registered with async support or, to see it refused, without. */
        abstract Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints, boolean async)
                throws Exception;
    }

    /** Returns the port the container listens on, at 127.0.0.1. */
    int port();

    /** Returns how many of the container's request threads are busy now. */
    int busyThreads();

    /** Returns the http URI of {@code pathAndQuery}. */
    default URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** Returns the ws URI of {@code path}. */
    default URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** Stops the container. */
    @Override
    void close() throws Exception;
}
