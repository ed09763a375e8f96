package io.synapsekit.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.SseOptions;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.internal.Queries;
import io.synapsekit.server.internal.ThreadResumes;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet that runs a checkpointed graph with a person in the loop, as Server-Sent Events: one POST starts a
 * run, another resumes it after it paused. Both answer with the run as
 * {@link GraphStreams#sseStream(CompiledGraph, String, Map, SseOptions) the graph's SSE events}, through
 * {@link SseResponse} (ids, keep-alives, {@code [DONE]} last).
 *
 * <ul>
 *   <li>{@code POST} {@code {"query": "…"}} starts a run of a new thread (a random id) with input
 *       {@code input(query)}. A run that pauses at {@link io.synapsekit.graph.Interrupt#ask} ends with
 *       {@code event: interrupt}, {@code {"thread_id":…,"node":…,"payload":…,"checkpoint_id":…}};
 *   <li>{@code POST} {@code {"thread_id": "…", "value": …}} ({@code value} any JSON, {@code null} included)
 *       resumes that thread with {@code value} and streams the rest, ending with another
 *       {@code event: interrupt} if it pauses again.
 * </ul>
 *
 * <p>Both are {@code Content-Type: application/json} and read by {@code fetch}. A body that is not JSON gets
 * {@code 415}; one over {@link #DEFAULT_MAX_BODY_BYTES}, not a JSON object, with both or neither of
 * {@code query} and {@code thread_id}, with a blank or oversized query, or a resume without {@code value} gets
 * {@code 400}. A resume that cannot run gets {@code 404} (unknown thread) or {@code 409} (the thread is not
 * paused: running or finished; or another resume of it came first), and runs nothing. Each is
 * {@code {"error": "…"}}, and a refused resume also has {@code "code"}: {@code unknown_thread},
 * {@code not_paused} or {@code conflict}. The thread's head is read on the request's own virtual thread, not the
 * container's.
 *
 * <p>The thread id is the server's (a random UUID), so holding one is what lets a client resume its thread: treat
 * it as that client's secret. Asynchronous, and registered with async support, as {@link SseServlet} is (see
 * there for what a client that goes away does: its run is stopped as a closed stream is).
 *
 * <pre>{@code
 * CompiledGraph graph = approval.compile().withCheckpointer(checkpointer);
 * ServletRegistration.Dynamic r = context.addServlet("approval", GraphServlet.of(graph, q -> Map.of("topic", q)));
 * r.setAsyncSupported(true);
 * r.addMapping("/approval");
 * }</pre>
 *
 * <p>Thread-safe, and its settings are immutable: the {@code with…} methods return a copy.
 */
public final class GraphServlet extends HttpServlet {

    /** The longest query accepted unless set: 4,000 characters. */
    public static final int DEFAULT_MAX_QUERY_CHARS = SseServlet.DEFAULT_MAX_QUERY_CHARS;
    /** The largest POST body accepted: 64 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = SseServlet.DEFAULT_MAX_BODY_BYTES;

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(GraphServlet.class);

    private final transient CompiledGraph graph;
    private final transient Function<String, ? extends Map<String, ?>> input;
    private final transient SseOptions options;
    private final transient SseResponse sse;
    private final int maxQueryChars;

    private GraphServlet(CompiledGraph graph, Function<String, ? extends Map<String, ?>> input, SseOptions options,
            SseResponse sse, int maxQueryChars) {
        this.graph = graph;
        this.input = input;
        this.options = options;
        this.sse = sse;
        this.maxQueryChars = maxQueryChars;
    }

    /**
     * Returns a servlet running {@code graph}, which must have a
     * {@linkplain CompiledGraph#withCheckpointer checkpointer}; a run starts with input {@code input(query)}.
     */
    public static GraphServlet of(CompiledGraph graph, Function<String, ? extends Map<String, ?>> input) {
        return new GraphServlet(Objects.requireNonNull(graph, "graph"), Objects.requireNonNull(input, "input"),
                SseOptions.defaults(), SseResponse.create(), DEFAULT_MAX_QUERY_CHARS);
    }

    /** Returns a copy that streams runs with {@code options} (which nodes' tokens, node events). */
    public GraphServlet withOptions(SseOptions options) {
        return new GraphServlet(graph, input, Objects.requireNonNull(options, "options"), sse, maxQueryChars);
    }

    /** Returns a copy that streams with {@code response}, e.g. one with a shorter keep-alive. */
    public GraphServlet withResponse(SseResponse response) {
        return new GraphServlet(graph, input, options, Objects.requireNonNull(response, "response"), maxQueryChars);
    }

    /** Returns a copy that accepts queries of up to {@code maxChars} characters. */
    public GraphServlet withMaxQueryChars(int maxChars) {
        if (maxChars <= 0) {
            throw new IllegalArgumentException("maxQueryChars must be positive: " + maxChars);
        }
        return new GraphServlet(graph, input, options, sse, maxChars);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!AsyncStreams.asyncSupported("GraphServlet", request, response)) {
            return;
        }
        JsonNode json = Requests.jsonObject(request, response, DEFAULT_MAX_BODY_BYTES,
                "a JSON object: {\"query\": \"…\"} to start, {\"thread_id\": \"…\", \"value\": …} to resume");
        if (json == null) {
            return;
        }
        JsonNode query = json.get("query");
        JsonNode threadId = json.get("thread_id");
        if ((query == null) == (threadId == null)) {
            Requests.reject(response, 400, "send either {\"query\": \"…\"} to start or {\"thread_id\": \"…\", "
                    + "\"value\": …} to resume, not " + (query == null ? "neither" : "both"));
            return;
        }
        if (query != null) {
            start(query, request, response);
        } else {
            resume(threadId, json.get("checkpoint_id"), json.get("value"), request, response);
        }
    }

    private void start(JsonNode query, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!query.isTextual()) {
            Requests.reject(response, 400, "\"query\" must be a string");
            return;
        }
        String problem = Queries.problem(query.asText(), maxQueryChars);
        if (problem != null) {
            Requests.reject(response, 400, problem);
            return;
        }
        String thread = UUID.randomUUID().toString();
        AsyncStreams.serve(request, response, sink -> log.debug("graph run of thread {} ended: {}", thread,
                sse.stream(sink, failingAsEvents(() -> GraphStreams.sseStream(graph, thread,
                        Objects.requireNonNull(input.apply(query.asText()), "the input function returned null"),
                        options)))));
    }

    private void resume(JsonNode threadId, @Nullable JsonNode checkpointId, @Nullable JsonNode value,
            HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!threadId.isTextual()) {
            Requests.reject(response, 400, "\"thread_id\" must be a string");
            return;
        }
        if (checkpointId != null && !checkpointId.isTextual() && !checkpointId.isNull()) {
            Requests.reject(response, 400, "\"checkpoint_id\" must be a string");
            return;
        }
        String pause = checkpointId == null || checkpointId.isNull() ? null : checkpointId.asText();
        String thread = threadId.asText();
        String problem = ThreadResumes.problem(thread);
        if (problem == null && value == null) {
            problem = "a resume needs a \"value\" (any JSON, null included)";
        }
        if (problem != null) {
            Requests.reject(response, 400, problem);
            return;
        }
        Object resumeValue;
        try {
            resumeValue = Requests.JSON.treeToValue(value, Object.class);
        } catch (JsonProcessingException e) {
            Requests.reject(response, 400, "\"value\" cannot be read: " + e.getOriginalMessage());
            return;
        }
        AsyncStreams.serve(request, response, sink -> {
            SseOutcome outcome;
            try {
                // The refusal comes before anything is written, so it can still be a 404 or 409.
                outcome = sse.stream(sink, () -> ThreadResumes.resume(graph, thread, pause,
                        head -> GraphStreams.sseResume(graph, thread, head, resumeValue, options)));
            } catch (ThreadResumes.Refusal e) {
                try {
                    Requests.reject(response, e.problem().status(), e.problem().code(), e.getMessage());
                } catch (IOException gone) {
                    throw new UncheckedIOException(gone);
                }
                return;
            }
            log.debug("resumed graph run of thread {} ended: {}", thread, outcome);
        });
    }

    /** A run that fails to start fails like one that fails midway: with the error event an SSE reader can read. */
    private static Supplier<Stream<SseEvent>> failingAsEvents(Supplier<Stream<SseEvent>> open) {
        return () -> {
            try {
                return open.get();
            } catch (RuntimeException e) {
                return Stream.<SseEvent>generate(() -> {
                    throw e;
                });
            }
        };
    }

    @Override
    public String toString() {
        return "GraphServlet{" + sse + ", maxQueryChars=" + maxQueryChars + '}';
    }
}
