package io.synapsekit.opentelemetry;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.websocket.server.WsSci;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real servlet container on loopback serving one WebSocket endpoint, with {@code filter} in front of every
 * request, the upgrade request included, as an agent's instrumentation of the container would be.
 */
interface WsContainer extends AutoCloseable {

    /** The containers the tests run on: Jetty 12 (ee10) and Tomcat 11. */
    enum Kind {
        JETTY {
            @Override
            WsContainer start(Filter filter, ServerEndpointConfig endpoint) throws Exception {
                Server server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                connector.setPort(0);
                server.addConnector(connector);
                ServletContextHandler context = new ServletContextHandler("/");
                JakartaWebSocketServletContainerInitializer.configure(context,
                        (servletContext, container) -> container.addEndpoint(endpoint));
                server.setHandler(context);
                server.start();
                // Jetty puts its upgrade filter first when the context starts; ours goes before it.
                FilterHolder holder = new FilterHolder(filter);
                holder.setName("request-spans");
                context.getServletHandler().addFilter(holder);
                FilterMapping mapping = new FilterMapping();
                mapping.setFilterName("request-spans");
                mapping.setPathSpec("/*");
                mapping.setDispatcherTypes(EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
                context.getServletHandler().prependFilterMapping(mapping);
                return new WsContainer() {
                    @Override
                    public int port() {
                        return connector.getLocalPort();
                    }

                    @Override
                    public void close() throws Exception {
                        server.stop();
                    }

                    @Override
                    public String toString() {
                        return "Jetty";
                    }
                };
            }
        },
        TOMCAT {
            @Override
            WsContainer start(Filter filter, ServerEndpointConfig endpoint) throws Exception {
                Path baseDir = Files.createTempDirectory("tomcat");
                Tomcat tomcat = new Tomcat();
                tomcat.setBaseDir(baseDir.toString());
                Connector connector = new Connector();
                connector.setPort(0);
                connector.setProperty("address", "127.0.0.1");
                tomcat.setConnector(connector);
                Context context = tomcat.addContext("", baseDir.toString());
                // Tomcat runs filters (WsFilter does the upgrade) only for a request that maps to a servlet.
                Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
                context.addServletMappingDecoded("/", "default");
                FilterDef def = new FilterDef();
                def.setFilterName("request-spans");
                def.setFilter(filter);
                context.addFilterDef(def);
                FilterMap map = new FilterMap();
                map.setFilterName("request-spans");
                map.addURLPatternDecoded("/*");
                context.addFilterMap(map); // before WsSci adds WsFilter after the declared filters
                context.addServletContainerInitializer(new WsSci(), null);
                ServletContainerInitializer addEndpoint = (classes, servletContext) -> {
                    ServerContainer ws = (ServerContainer) servletContext.getAttribute(
                            ServerContainer.class.getName());
                    try {
                        ws.addEndpoint(endpoint);
                    } catch (DeploymentException e) {
                        throw new IllegalStateException(e);
                    }
                };
                context.addServletContainerInitializer(addEndpoint, null);
                tomcat.start();
                return new WsContainer() {
                    @Override
                    public int port() {
                        return connector.getLocalPort();
                    }

                    @Override
                    public void close() throws Exception {
                        tomcat.stop();
                        tomcat.destroy();
                    }

                    @Override
                    public String toString() {
                        return "Tomcat";
                    }
                };
            }
        };

        /** Starts the container with {@code filter} in front of every request and {@code endpoint}. */
        abstract WsContainer start(Filter filter, ServerEndpointConfig endpoint) throws Exception;
    }

    /** Returns the port the container listens on, at 127.0.0.1. */
    int port();

    /** Returns the ws URI of {@code path}. */
    default URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** Stops the container. */
    @Override
    void close() throws Exception;
}
