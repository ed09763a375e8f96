package io.synapsekit.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

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

    /**
     * Reads a JSON request body of at most {@code maxBytes}; answers {@code 415} (not JSON) or {@code 400} (too
     * large) and returns {@code null} when it cannot.
     */
    static @Nullable String jsonBody(HttpServletRequest request, HttpServletResponse response, int maxBytes)
            throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            reject(response, 415, "the body must be JSON (Content-Type: application/json), got "
                    + (contentType == null ? "no Content-Type" : shown(contentType)));
            return null;
        }
        try {
            return readBounded(request.getInputStream(), maxBytes);
        } catch (TooLargeException e) {
            reject(response, 400, "request body larger than " + maxBytes + " bytes");
            return null;
        }
    }

    /**
     * Reads a request body that must be a JSON object of at most {@code maxBytes}; answers {@code 415} (not JSON)
     * or {@code 400} (too large, not valid JSON, or not an object: "request body must be {@code expected}") and
     * returns {@code null} when it cannot.
     */
    static @Nullable JsonNode jsonObject(HttpServletRequest request, HttpServletResponse response, int maxBytes,
            String expected) throws IOException {
        String body = jsonBody(request, response, maxBytes);
        if (body == null) {
            return null;
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            reject(response, 400, "request body is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
        if (json == null || !json.isObject()) {
            reject(response, 400, "request body must be " + expected);
            return null;
        }
        return json;
    }

    static void reject(HttpServletResponse response, int status, String message) throws IOException {
        reject(response, status, null, message);
    }

    /** Answers {@code status} with {@code {"error": message}}, and {@code "code"} when one is given. */
    static void reject(HttpServletResponse response, int status, @Nullable String code, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        var json = JSON.createObjectNode().put("error", message);
        if (code != null) {
            json.put("code", code);
        }
        byte[] body = JSON.writeValueAsBytes(json); // not toString(): see JSON
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
