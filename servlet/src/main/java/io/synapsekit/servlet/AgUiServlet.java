package io.synapsekit.servlet;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.rag.RAG;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.agui.AgUiStreams;
import io.synapsekit.server.agui.InvalidRunInputException;
import io.synapsekit.server.agui.RunAgentInput;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet that answers AG-UI runs: a {@code POST} of a {@code RunAgentInput} (what {@code @ag-ui/client}'s
 * {@code HttpAgent} and CopilotKit send) gets the run's AG-UI events as Server-Sent Events (see
 * {@link AgUiStreams} for which events, in which order).
 *
 * <pre>{@code
 * ServletRegistration.Dynamic r = servletContext.addServlet("agui", AgUiServlet.graph(compiled));
 * r.setAsyncSupported(true);
 * r.addMapping("/api/agui");
 * // request-aware: the user, the headers, the thread id and the input's messages and state reach the function
 * AgUiServlet.of(req -> AgUiStreams.graph(req.input(), graphFor(req.principal()), req.input().state()));
 * }</pre>
 *
 * <p>A body that is not JSON ({@code 415} for another content type), larger than {@link #DEFAULT_MAX_BODY_BYTES},
 * or not a valid {@code RunAgentInput} gets {@code 400} with {@code {"error": "…"}} naming the field. An answer
 * function that throws {@link InvalidRunInputException} gets the same {@code 400}; any other failure, before or
 * during the stream, ends the run with {@code RUN_ERROR} and a message safe to show.
 *
 * <p>Asynchronous, as {@link SseServlet}: register it with async support; an open run holds no container thread
 * but a virtual one of its own, which calls the answer function (so it may block) and writes the stream through
 * {@link SseResponse}. A client that goes away (a failed write, or the container reporting the request gone)
 * closes the run's stream at once, which cancels the LLM request or the graph run.
 *
 * <p>Thread-safe, and immutable.
 */
public final class AgUiServlet extends HttpServlet {

    /** The largest body accepted: 1 MiB (a run's body carries the whole conversation). */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(AgUiServlet.class);
    private static final SseResponse SSE = SseResponse.builder().sendDone(false).build();

    private final transient Function<AgUiRequest, Stream<SseEvent>> answer;

    private AgUiServlet(Function<AgUiRequest, Stream<SseEvent>> answer) {
        this.answer = answer;
    }

    /**
     * Returns a servlet answering each run with {@code answer(request)}, a stream of AG-UI events (from
     * {@link AgUiStreams}). The function runs on the run's own virtual thread and may block.
     */
    public static AgUiServlet of(Function<AgUiRequest, Stream<SseEvent>> answer) {
        return new AgUiServlet(Objects.requireNonNull(answer, "answer"));
    }

    /**
     * Returns a servlet answering each run with {@code llm}: the input's conversation ({@link
     * RunAgentInput#chatMessages()}) with the frontend's tools offered to the model.
     */
    public static AgUiServlet llm(LLM llm) {
        Objects.requireNonNull(llm, "llm");
        return of(req -> {
            RunAgentInput input = req.input();
            if (input.lastUserText().isEmpty()) {
                throw new InvalidRunInputException("messages", "has no user message to answer");
            }
            GenerateOptions options = input.tools().isEmpty() ? GenerateOptions.defaults()
                    : GenerateOptions.builder().tools(input.toolSpecs()).build();
            return AgUiStreams.llm(input, llm.events(input.chatMessages(), options));
        });
    }

    /** Returns a servlet answering each run with {@code rag}: the last user message is the question. */
    public static AgUiServlet rag(RAG rag) {
        Objects.requireNonNull(rag, "rag");
        return of(req -> {
            String question = req.input().lastUserText().filter(q -> !q.isBlank()).orElseThrow(
                    () -> new InvalidRunInputException("messages", "has no user message to answer"));
            return AgUiStreams.rag(req.input(), rag.events(question));
        });
    }

    /**
     * Returns a servlet answering each run with a run of {@code graph} from the input's state, with the last user
     * message, if any, under {@code "input"} (where an {@code LlmNode} reads its prompt by default).
     */
    public static AgUiServlet graph(CompiledGraph graph) {
        Objects.requireNonNull(graph, "graph");
        return of(req -> {
            Map<String, @Nullable Object> state = new LinkedHashMap<>(req.input().state());
            req.input().lastUserText().ifPresent(q -> state.put("input", q));
            return AgUiStreams.graph(req.input(), graph, state);
        });
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!AsyncStreams.asyncSupported("AgUiServlet", request, response)) {
            return;
        }
        String body = Requests.jsonBody(request, response, DEFAULT_MAX_BODY_BYTES);
        if (body == null) {
            return;
        }
        RunAgentInput input;
        try {
            input = RunAgentInput.parse(body);
        } catch (InvalidRunInputException e) {
            Requests.reject(response, 400, e.getMessage());
            return;
        }
        AgUiRequest run = new AgUiRequest(input, request.getUserPrincipal(), headers(request));
        AsyncStreams.serve(request, response, sink -> {
            Stream<SseEvent> events;
            try {
                events = Objects.requireNonNull(answer.apply(run), "the answer function returned null");
            } catch (InvalidRunInputException e) {
                try {
                    Requests.reject(response, 400, e.getMessage());
                } catch (IOException io) {
                    throw new UncheckedIOException(io);
                }
                return;
            } catch (RuntimeException e) {
                log.warn("AG-UI answer function failed; sending RUN_ERROR", e);
                events = AgUiStreams.failed(input, e);
            }
            SseOutcome outcome = SSE.stream(sink, events);
            log.debug("AG-UI run {} ended: {}", input.runId(), outcome);
        });
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(request.getHeaders(name))));
        }
        return headers;
    }

    @Override
    public String toString() {
        return "AgUiServlet{" + SSE + '}';
    }
}
