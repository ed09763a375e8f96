package io.synapsekit.servlet;

import io.synapsekit.SynapseKit;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases SynapseKit's threads and shared connections ({@link SynapseKit#shutdown()}) when the web application
 * is undeployed or redeployed, so that its class loader can be collected and the container finds no thread left
 * behind.
 *
 * <p>Registered by itself: {@link SynapseKitInitializer}, found by the container in this jar's
 * {@code META-INF/services}, adds it to every web application that has the jar. Where the container does not run
 * {@code ServletContainerInitializer}s from the application's jars (embedded Jetty's {@code ServletContextHandler},
 * a Tomcat context without {@code ContextConfig}, {@code metadata-complete} with SCIs switched off), register it
 * by hand:
 * <pre>{@code
 * <listener>
 *   <listener-class>io.synapsekit.servlet.SynapseKitShutdownListener</listener-class>
 * </listener>
 * }</pre>
 * or {@code servletContext.addListener(SynapseKitShutdownListener.class)}, or call {@link SynapseKit#shutdown()}
 * from your own {@code contextDestroyed}.
 *
 * <p>It shuts down only a library that belongs to the application, that is, one loaded by the application's class
 * loader ({@code WEB-INF/lib}). A library shared by several applications (in the container's own {@code lib}) is
 * left running, since the others still use it and it is never unloaded anyway.
 */
public final class SynapseKitShutdownListener implements ServletContextListener {

    private static final Logger log = LoggerFactory.getLogger(SynapseKitShutdownListener.class);

    /** Public no-argument constructor, for the container. */
    public SynapseKitShutdownListener() {
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ClassLoader application = event.getServletContext().getClassLoader();
        if (SynapseKit.class.getClassLoader() != application) {
            log.debug("SynapseKit is not {}'s own (loaded by {}); leaving it running",
                    event.getServletContext().getContextPath(), SynapseKit.class.getClassLoader());
            return;
        }
        SynapseKit.shutdown();
        log.debug("SynapseKit shut down with {}", event.getServletContext().getContextPath());
    }
}
