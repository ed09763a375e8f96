package io.synapsekit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.internal.Queries;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet that answers a question as a Server-Sent Events stream, through {@link SseResponse}: keep-alives,
 * an id on every event, {@code [DONE]} last, an {@code error} event on failure, and a client that goes away
 * closes the answer's stream at once (cancelling the LLM request or the graph run).
 *
 * <ul>
 *   <li>{@code GET /stream?query=What+is+RAG} — what a browser's {@code EventSource} sends;
 *   <li>{@code POST /stream} with {@code {"query": "…"}} and {@code Content-Type: application/json} — what a
 *       {@code fetch} reader sends;
 *   <li>a {@code GET} with {@code Last-Event-ID} (an {@code EventSource} reconnecting) resumes the same answer
 *       when the {@link SseResponse} has a replay buffer; otherwise, or when there is nothing left, it gets
 *       {@code 204 No Content}, which stops the browser reconnecting, and the question is never asked twice.
 * </ul>
 *
 * <p>A missing, blank or oversized query, a body that is not a JSON object with a string {@code query}, or a body
 * over {@link #DEFAULT_MAX_BODY_BYTES} gets {@code 400} with {@code {"error": "…"}}; a POST that is not JSON gets
 * {@code 415}. These are answered on the container's request thread.
 *
 * <p><b>Asynchronous: an open stream holds no container thread.</b> A valid request is put in asynchronous mode
 * ({@code startAsync}, with no async timeout: an answer may stream for minutes, and the keep-alive and the client
 * decide when it ends), and a virtual thread of its own calls the answer function and writes the stream, then
 * completes the request. The container's thread goes back to its pool at once, so open streams are bounded by
 * memory, not by the pool (200 platform threads by default on Tomcat and Jetty). The servlet must therefore be
 * registered with async support, which a container does not assume:
 * <pre>{@code
 * ServletRegistration.Dynamic r = servletContext.addServlet("stream", SseServlet.tokens(llm::stream));
 * r.setAsyncSupported(true);                       // web.xml: <async-supported>true</async-supported>
 * r.addMapping("/stream");
 * // embedded Jetty
 * ServletHolder holder = new ServletHolder(SseServlet.tokens(llm::stream));
 * holder.setAsyncSupported(true);
 * context.addServlet(holder, "/stream");
 * }</pre>
 * Without it every request gets {@code 500} with an error naming the setting, and the log says the same. Filters
 * in front of it must support async too.
 *
 * <p><b>A client that goes away while the model is silent.</b> A write that fails stops the stream and the LLM
 * request at once (see {@link SseResponse}). While nothing is written, only the container can tell, and what it
 * tells depends on the protocol; whenever it reports the request failed or completed (through the request's
 * {@code AsyncListener}), this servlet interrupts the writing thread, which ends the stream as
 * {@link SseOutcome#CLIENT_GONE} and closes the source, cancelling the LLM request within milliseconds.
 * <ul>
 *   <li><b>HTTP/2</b> (h2 over TLS, as browsers speak it, or h2c): the container reads the connection all the
 *       time, so a client that closes the stream (RST_STREAM, as a browser closing its {@code EventSource} sends)
 *       or the connection is seen at once. Tomcat 11 reports {@code onError} ("Client reset the stream…") then
 *       {@code onComplete}; Jetty 12 reports {@code onError} ({@code EofException: Reset cancel_stream_error}).
 *       Tested on both. Tomcat does not report a reset of the one stream that carried an HTTP/1.1
 *       {@code Upgrade: h2c} request, which browsers never send.
 *   <li><b>HTTP/1.1</b>: neither Tomcat nor Jetty reads a connection whose request is complete while its
 *       response streams, so neither can tell that the client closed it, and neither calls a listener. The stream
 *       learns it at its next write, the keep-alive: the first keep-alive after the close is usually still sent
 *       (the client's host answers it with a reset), the one after fails. A silent model is therefore cancelled
 *       within about two keep-alive intervals, 30 s with the default 15 s; a shorter
 *       {@link SseResponse.Builder#keepAlive(java.time.Duration) keep-alive} (a few bytes each) narrows it.
 * </ul>
 *
 * <p>Thread-safe, and its settings are immutable: the {@code with…} methods return a copy.
 */
public final class SseServlet extends HttpServlet {

    /** The longest query accepted unless set: 4,000 characters. */
    public static final int DEFAULT_MAX_QUERY_CHARS = 4_000;
    /** The largest POST body accepted: 64 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(SseServlet.class);

    private final transient Function<String, Stream<SseEvent>> answer;
    private final transient SseResponse sse;
    private final int maxQueryChars;

    private SseServlet(Function<String, Stream<SseEvent>> answer, SseResponse sse, int maxQueryChars) {
        this.answer = answer;
        this.sse = sse;
        this.maxQueryChars = maxQueryChars;
    }

    /** Returns a servlet that streams {@code answer(query)}'s tokens, one {@code message} event each. */
    public static SseServlet tokens(Function<String, Stream<String>> answer) {
        Objects.requireNonNull(answer, "answer");
        return new SseServlet(q -> answer.apply(q).map(SseEvent::message), SseResponse.create(),
                DEFAULT_MAX_QUERY_CHARS);
    }

    /** Returns a servlet that streams {@code answer(query)}'s events, e.g. a graph's {@code sseStream}. */
    public static SseServlet events(Function<String, Stream<SseEvent>> answer) {
        return new SseServlet(Objects.requireNonNull(answer, "answer"), SseResponse.create(),
                DEFAULT_MAX_QUERY_CHARS);
    }

    /** Returns a copy that streams with {@code response}, e.g. one with a replay buffer for resumable streams. */
    public SseServlet withResponse(SseResponse response) {
        return new SseServlet(answer, Objects.requireNonNull(response, "response"), maxQueryChars);
    }

    /** Returns a copy that accepts queries of up to {@code maxChars} characters. */
    public SseServlet withMaxQueryChars(int maxChars) {
        if (maxChars <= 0) {
            throw new IllegalArgumentException("maxQueryChars must be positive: " + maxChars);
        }
        return new SseServlet(answer, sse, maxChars);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!AsyncStreams.asyncSupported("SseServlet", request, response)) {
            return;
        }
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null) {
            AsyncStreams.serve(request, response, sink -> {
                if (sse.resume(sink, lastEventId) == SseOutcome.NOTHING_TO_RESUME) {
                    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                }
            });
            return;
        }
        String query = request.getParameter("query");
        if (query == null) {
            Requests.reject(response, 400, "missing query: send GET ?query=… or POST {\"query\": \"…\"}");
            return;
        }
        streamAnswer(query, request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!AsyncStreams.asyncSupported("SseServlet", request, response)) {
            return;
        }
        String expected = "a JSON object with a string \"query\"";
        JsonNode json = Requests.jsonObject(request, response, DEFAULT_MAX_BODY_BYTES, expected);
        if (json == null) {
            return;
        }
        JsonNode query = json.get("query");
        if (query == null || !query.isTextual()) {
            Requests.reject(response, 400, "request body must be " + expected);
            return;
        }
        streamAnswer(query.asText(), request, response);
    }

    private void streamAnswer(String query, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String problem = Queries.problem(query, maxQueryChars);
        if (problem != null) {
            Requests.reject(response, 400, problem);
            return;
        }
        AsyncStreams.serve(request, response, sink -> {
            // Supplied, so that the answer's graph run or LLM call starts inside the served answer's observed work.
            SseOutcome outcome = sse.stream(sink, () -> {
                try {
                    return Objects.requireNonNull(answer.apply(query), "the answer function returned null");
                } catch (RuntimeException e) {
                    // A model that fails at once (refused key, server down) fails like one that fails midway: with
                    // the error event, which an EventSource can read, where a 5xx would only make it reconnect.
                    return Stream.<SseEvent>generate(() -> {
                        throw e;
                    });
                }
            });
            log.debug("SSE answer ended: {}", outcome);
        });
    }

    @Override
    public String toString() {
        return "SseServlet{" + sse + ", maxQueryChars=" + maxQueryChars + '}';
    }
}
