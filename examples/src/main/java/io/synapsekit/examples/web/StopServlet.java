package io.synapsekit.examples.web;

import io.synapsekit.server.SseResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /stream/stop} with an event id of the answer as the body (the {@code lastEventId} an
 * {@code EventSource} saw): stops that answer on whichever server produces it, through the response's
 * {@link io.synapsekit.server.StreamControl} (Redis when the demo runs with {@code --redis}). {@code 202} when
 * the stop was sent, {@code 400} when the id is not one of the stream's.
 */
public final class StopServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int MAX_ID_BYTES = 256;

    private final transient SseResponse sse;

    public StopServlet(SseResponse sse) {
        this.sse = sse;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_ID_BYTES + 1);
        String id = new String(body, StandardCharsets.UTF_8).trim();
        response.setStatus(body.length <= MAX_ID_BYTES && !id.isEmpty() && sse.stop(id) ? 202 : 400);
    }
}
