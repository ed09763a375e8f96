package io.synapsekit.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * A real Tomcat 11 on loopback with its default connector (NIO, HTTP/1.1) and default pool: at most 200 platform
 * threads, the bounded pool that async servlets exist for.
 */
final class TomcatContainer implements Container {

    private final Tomcat tomcat;
    private final Connector connector;
    private final Path baseDir;

    TomcatContainer(HttpServlet servlet, List<ServerEndpointConfig> endpoints, Set<Container.Option> options)
            throws Exception {
        baseDir = Files.createTempDirectory("tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        if (options.contains(Container.Option.H2C)) {
            connector.addUpgradeProtocol(new Http2Protocol());
        }
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        if (servlet != null) {
            Wrapper wrapper = Tomcat.addServlet(context, "stream", servlet);
            wrapper.setAsyncSupported(!options.contains(Container.Option.NO_ASYNC));
            context.addServletMappingDecoded("/stream", "stream");
            context.addServletMappingDecoded("/stream/*", "stream"); // UiMessageServlet: {api}/{chatId}/stream
        }
        // Tomcat runs filters (WsFilter does the WebSocket upgrade) only for a request that maps to a servlet.
        Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        context.addServletMappingDecoded("/", "default");
        context.addServletContainerInitializer(new WsSci(), null);
        // Runs after WsSci, which has put the ServerContainer in the context by then.
        ServletContainerInitializer addEndpoints = (classes, servletContext) -> {
            ServerContainer ws = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
            for (ServerEndpointConfig endpoint : endpoints) {
                try {
                    ws.addEndpoint(endpoint);
                } catch (DeploymentException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        context.addServletContainerInitializer(addEndpoints, null);
        tomcat.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public int busyThreads() {
        return ((ThreadPoolExecutor) connector.getProtocolHandler().getExecutor()).getActiveCount();
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
}
