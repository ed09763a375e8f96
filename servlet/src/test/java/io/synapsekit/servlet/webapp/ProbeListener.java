package io.synapsekit.servlet.webapp;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.servlet.SseServlet;
import io.synapsekit.servlet.TokenWebSocket;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;

/**
 * The whole of the web application that WebappUndeployTest deploys and undeploys: an {@link SseServlet} at
 * {@code /stream} and a structured {@link TokenWebSocket} at {@code /ws}, answering through a real OpenAILLM from
 * the upstream named by the {@code upstream} context parameter. Declared in the test web application's {@code web.xml}; loaded by its class loader, not by the
 * test's, and so is the library it uses (WEB-INF/lib).
 */
public final class ProbeListener implements ServletContextListener {

    /** Public no-argument constructor, for the container. */
    public ProbeListener() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        LLM llm = OpenAILLM.builder().baseUrl(context.getInitParameter("upstream")).apiKey("sk-test").model("mock")
                .build();
        ServletRegistration.Dynamic stream = context.addServlet("stream", SseServlet.tokens(llm::stream));
        stream.setAsyncSupported(true);
        stream.addMapping("/stream");
        ServerContainer ws = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        try {
            ws.addEndpoint(TokenWebSocket.structured("/ws", (String query) -> llm.stream(query)));
        } catch (DeploymentException e) {
            throw new IllegalStateException(e);
        }
    }
}
