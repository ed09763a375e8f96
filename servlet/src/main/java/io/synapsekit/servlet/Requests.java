package io.synapsekit.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Request validation and JSON error replies shared by the servlet and the WebSocket endpoints. */
final class Requests {
    /**
     * Parses request bodies on the container's threads. Jackson's default buffer pool keeps a buffer in a
     * thread-local of each thread that parses, and a container's pool thread outlives the web application: its
     * thread-local would keep the application's class loader after undeploy. A pool of its own keeps them here.
     */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());

    private Requests() {
    }

    static void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message)); // not toString(): see JSON
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static String readBounded(InputStream in, int maxBytes) throws IOException, TooLargeException {
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new TooLargeException();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String shown(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        return '"' + cut.replaceAll("\\p{Cntrl}", "?") + '"';
    }

    static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;
    }
}
