package io.synapsekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.SynapseKit;
import io.synapsekit.llm.openai.OpenAILLM;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The listener shuts the library down only when the library is the application's own; one shared by the
 * container's applications is left running. (WebappUndeployTest shows the first case in a real Tomcat.)
 */
class SynapseKitShutdownListenerTest {

    @Test
    void aLibraryLoadedByAnotherClassLoaderThanTheApplicationsIsLeftRunning() {
        SynapseKit.shutdown();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        OpenAILLM.builder().baseUrl("http://127.0.0.1:9/v1").apiKey("k").model("m").build(); // starts the transport
        List<Thread> started = newClientThreads(before);
        assertThat(started).as("the shared transport's selector").isNotEmpty();

        ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
        new SynapseKitShutdownListener().contextDestroyed(destroyed(application));
        assertThat(started).as("left running for the container's other applications").allMatch(Thread::isAlive);

        new SynapseKitShutdownListener().contextDestroyed(destroyed(SynapseKit.class.getClassLoader()));
        assertThat(started).as("shut down with its own application").noneMatch(Thread::isAlive);
    }

    private static List<Thread> newClientThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-")).toList();
    }

    private static ServletContextEvent destroyed(ClassLoader loader) {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getClassLoader" -> loader;
                    case "getContextPath" -> "/app";
                    default -> null;
                });
        return new ServletContextEvent(context);
    }
}
