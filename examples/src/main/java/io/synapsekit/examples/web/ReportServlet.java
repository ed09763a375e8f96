package io.synapsekit.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Receives what each panel of the page streamed, when the page was opened with {@code ?report=1}: the browser
 * test reads these to check the text a real browser assembled.
 */
public final class ReportServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 1 << 20;

    /** One panel's result, as the page saw it. */
    public record Report(String panel, boolean ok, String detail, String text) {
    }

    private final transient BlockingQueue<Report> reports = new LinkedBlockingQueue<>(64);

    /** Returns the reports received, in order. */
    public BlockingQueue<Report> reports() {
        return reports;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BYTES + 1);
        JsonNode json;
        try {
            json = body.length > MAX_BYTES ? null : JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            response.setStatus(400);
            return;
        }
        reports.offer(new Report(json.path("panel").asText(), json.path("ok").asBoolean(),
                json.path("detail").asText(""), json.path("text").asText()));
        response.setStatus(204);
    }
}
