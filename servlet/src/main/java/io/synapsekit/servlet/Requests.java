package io.synapsekit.servlet;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Request validation and JSON error replies shared by the servlet and the WebSocket endpoints. */
final class Requests {
    static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {
    }

    static void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        byte[] body = JSON.createObjectNode().put("error", message).toString().getBytes(StandardCharsets.UTF_8);
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
