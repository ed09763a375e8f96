package io.synapsekit.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.util.List;
import java.util.Set;

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
            Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints, Option... options)
                    throws Exception {
                return new JettyContainer(servlet, endpoints, Set.of(options));
            }
        },
        TOMCAT {
            @Override
            Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints, Option... options)
                    throws Exception {
                return new TomcatContainer(servlet, endpoints, Set.of(options));
            }
        };

        /**
         * Starts the container with {@code servlet} (if not null) at {@code /stream}, async-supported unless
         * {@link Option#NO_ASYNC}, and {@code endpoints}.
         */
        abstract Container start(HttpServlet servlet, List<ServerEndpointConfig> endpoints, Option... options)
                throws Exception;
    }

    /** How a test's container differs from the default. */
    enum Option {
        /** The servlet is registered without async support. */
        NO_ASYNC,
        /** The connector speaks HTTP/2 without TLS (h2c, by upgrade or prior knowledge) besides HTTP/1.1. */
        H2C
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
