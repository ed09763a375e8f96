package io.synapsekit.servlet;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.rag.RAG;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.Registration;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseReplayException;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import io.synapsekit.server.StreamControl;
import io.synapsekit.server.internal.Queries;
import io.synapsekit.server.ui.UiChatRequest;
import io.synapsekit.server.ui.UiChatRequestException;
import io.synapsekit.server.ui.UiMessageStream;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet that answers {@code useChat} from {@code @ai-sdk/react} (or the {@code ai} package's {@code Chat}) with
 * the Vercel AI SDK's UI message stream, protocol {@code v1}, so an unmodified frontend renders the answer: text,
 * reasoning, tool calls, RAG sources and graph steps (see {@link UiMessageStream} for the chunks).
 *
 * <pre>{@code
 * ServletRegistration.Dynamic chat = context.addServlet("chat", UiMessageServlet.of(llm));   // or a RAG, a graph
 * chat.setAsyncSupported(true);
 * chat.addMapping("/api/chat/*");
 * }</pre>
 *
 * Mapped at {@code {api}/*} (which matches {@code {api}} itself), it answers:
 * <ul>
 *   <li>{@code POST {api}} with the hook's body ({@code id}, {@code messages} with {@code parts}): the answer, as
 *       SSE with {@code x-vercel-ai-ui-message-stream: v1}, stopping the chat's previous answer if one still runs;
 *       a body that is not such a request gets {@code 400} with {@code {"error": …}} naming the field, a body
 *       that is not JSON {@code 415};
 *   <li>{@code GET {api}/{chatId}/stream}, what the hook sends on every page load with {@code resume: true}: the
 *       chat's active answer replayed from its {@code start} (same {@code messageId}), then live; {@code 204} when
 *       no answer is active for that chat, also for chats never seen, and always when not
 *       {@linkplain #resumable(Duration) resumable};
 *   <li>{@code POST {api}/{chatId}/stop}: stops the chat's active answer, cancelling the upstream LLM call (the
 *       stream ends with {@code abort}); {@code 204} either way. Call it from the page's stop button beside the
 *       hook's {@code stop()}: to the server a stop is otherwise only a disconnect, which a resumable answer
 *       outlives.
 * </ul>
 *
 * <p><b>Disconnects.</b> Not resumable (the default), a client that goes away cancels the answer at once, as with
 * {@link SseServlet}. {@linkplain #resumable(Duration) Resumable}, the answer keeps generating for a grace after its
 * last client went away, long enough for a reload to resume it; then it is cancelled.
 *
 * <p><b>Across servers.</b> Which answer is active per chat and the stop requests go through the response's
 * {@link SseResponse#control() StreamControl}, the replay through its replay buffer. With a shared buffer (a
 * {@code RedisSseReplayBuffer} from {@code synapsekit-redis}, which is also the control) a page resumes or stops
 * its answer on any server, without sticky sessions:
 * <pre>{@code
 * SseResponse shared = SseResponse.builder().replay(redisBuffer).resumeGrace(Duration.ofSeconds(30)).build();
 * UiMessageServlet chat = UiMessageServlet.of(llm).withResponse(shared);
 * }</pre>
 * When the shared store cannot be reached, resume and stop answer {@code 503} and new answers still stream.
 *
 * <p>Chat ids come from the page; whoever knows one can resume or stop that chat's answer. Put an authenticating
 * filter in front, and check in the answer function ({@link UiChatCall#principal()}) that the chat is the user's.
 *
 * <p>Asynchronous as {@link SseServlet} is, so it must be registered with async support. Thread-safe, and its
 * settings are immutable: the {@code with…} methods return a copy.
 */
public final class UiMessageServlet extends HttpServlet {

    /** The largest POST body accepted unless set: 1 MiB, since every request carries the whole conversation. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** The grace of {@link #resumable()}: 30 seconds, enough for a page to reload and resume. */
    public static final Duration DEFAULT_RESUME_GRACE = Duration.ofSeconds(30);

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(UiMessageServlet.class);

    /** Opens the encoded answer to one call. */
    @FunctionalInterface
    private interface Answer {
        Stream<SseEvent> open(UiChatCall call, Function<Throwable, String> errorText);
    }

    private final transient Answer answer;
    private final transient Settings settings;

    /** The settings, copied by the {@code with…} methods. */
    private record Settings(SseResponse sse, Function<Throwable, String> errorText, int maxQueryChars,
            int maxBodyBytes) {
    }

    private UiMessageServlet(Answer answer, Settings settings) {
        this.answer = answer;
        this.settings = settings;
    }

    private static UiMessageServlet create(Answer answer) {
        return new UiMessageServlet(answer, new Settings(SseResponse.create(), UiMessageStream::safeErrorText,
                SseServlet.DEFAULT_MAX_QUERY_CHARS, DEFAULT_MAX_BODY_BYTES));
    }

    /** Returns a servlet answering with {@code llm}, which is sent the whole conversation. */
    public static UiMessageServlet of(LLM llm) {
        Objects.requireNonNull(llm, "llm");
        return llm(call -> llm.events(call.messages(), GenerateOptions.defaults()));
    }

    /** Returns a servlet answering with {@code rag}, which is asked the user's last question. */
    public static UiMessageServlet of(RAG rag) {
        Objects.requireNonNull(rag, "rag");
        return rag(call -> rag.events(call.question()));
    }

    /**
     * Returns a servlet answering with a run of {@code graph}, whose input is {@code "input"}: the question,
     * {@code "messages"}: the conversation ({@code List<ChatMessage>}), and {@code "chat_id"}: the chat's id.
     */
    public static UiMessageServlet of(CompiledGraph graph) {
        Objects.requireNonNull(graph, "graph");
        return graph(call -> {
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("input", call.question());
            input.put("messages", call.messages());
            input.put("chat_id", call.chatId());
            return graph.events(input);
        });
    }

    /** Returns a servlet that answers each call with the LLM events {@code answer} returns. */
    public static UiMessageServlet llm(Function<UiChatCall, Stream<LLMEvent>> answer) {
        Objects.requireNonNull(answer, "answer");
        return create((call, errorText) -> UiMessageStream.llm(opened(answer, call), call.messageId(), errorText));
    }

    /** Returns a servlet that answers each call with the RAG events {@code answer} returns. */
    public static UiMessageServlet rag(Function<UiChatCall, Stream<RAGEvent>> answer) {
        Objects.requireNonNull(answer, "answer");
        return create((call, errorText) -> UiMessageStream.rag(opened(answer, call), call.messageId(), errorText));
    }

    /** Returns a servlet that answers each call with the graph events {@code answer} returns. */
    public static UiMessageServlet graph(Function<UiChatCall, Stream<GraphEvent>> answer) {
        Objects.requireNonNull(answer, "answer");
        return create((call, errorText) -> UiMessageStream.graph(opened(answer, call), call.messageId(), errorText));
    }

    /**
     * Calls the answer function; one that fails at once fails like one that fails midway, with the protocol's
     * {@code error} chunk, which the page shows, where an HTTP error would only say "failed".
     */
    private static <E> Stream<E> opened(Function<UiChatCall, Stream<E>> answer, UiChatCall call) {
        try {
            return Objects.requireNonNull(answer.apply(call), "the answer function returned null");
        } catch (RuntimeException e) {
            return Stream.generate(() -> {
                throw e;
            });
        }
    }

    /** Returns a copy whose answers are resumable for {@link #DEFAULT_RESUME_GRACE}, from memory. */
    public UiMessageServlet resumable() {
        return resumable(DEFAULT_RESUME_GRACE);
    }

    /**
     * Returns a copy whose answers are resumable, from an {@link InMemorySseReplayBuffer}: an answer keeps generating
     * for {@code grace} after its last client went away.
     */
    public UiMessageServlet resumable(Duration grace) {
        return withResponse(SseResponse.builder().replay(InMemorySseReplayBuffer.create()).resumeGrace(grace).build());
    }

    /**
     * Returns a copy that streams with {@code response}: its keep-alive, and, when it has a replay buffer, its
     * buffer and grace make answers resumable. Its {@link SseResponse#control() control} records each chat's
     * active answer and carries the stops: a response whose buffer is shared by servers (Redis) lets a page
     * resume and stop on any of them.
     */
    public UiMessageServlet withResponse(SseResponse response) {
        Objects.requireNonNull(response, "response");
        return new UiMessageServlet(answer, new Settings(response, settings.errorText, settings.maxQueryChars,
                settings.maxBodyBytes));
    }

    /**
     * Returns a copy that shows the page {@code errorText(failure)} in the {@code error} chunk of a failed answer;
     * by default {@link UiMessageStream#safeErrorText(Throwable)}.
     */
    public UiMessageServlet withErrorText(Function<Throwable, String> errorText) {
        Objects.requireNonNull(errorText, "errorText");
        return new UiMessageServlet(answer, new Settings(settings.sse, errorText, settings.maxQueryChars,
                settings.maxBodyBytes));
    }

    /** Returns a copy that accepts questions of up to {@code maxChars} characters. */
    public UiMessageServlet withMaxQueryChars(int maxChars) {
        if (maxChars <= 0) {
            throw new IllegalArgumentException("maxQueryChars must be positive: " + maxChars);
        }
        return new UiMessageServlet(answer, new Settings(settings.sse, settings.errorText, maxChars,
                settings.maxBodyBytes));
    }

    /** Returns a copy that accepts request bodies of up to {@code maxBytes} bytes. */
    public UiMessageServlet withMaxBodyBytes(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBytes);
        }
        return new UiMessageServlet(answer, new Settings(settings.sse, settings.errorText, settings.maxQueryChars,
                maxBytes));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            answer(request, response);
            return;
        }
        String chatId = chatId(path, "/stop");
        if (chatId == null) {
            Requests.reject(response, 404, "no such endpoint: POST {api}, GET {api}/{chatId}/stream and"
                    + " POST {api}/{chatId}/stop are");
            return;
        }
        StreamControl control = settings.sse.control();
        try {
            Optional<String> active = control.activeStream(chatId);
            if (active.isPresent()) {
                log.debug("stopping the answer of chat {}", chatId);
                control.stop(stopId(active.get()));
            }
        } catch (SseReplayException e) {
            Requests.reject(response, 503, "cannot stop the answer of chat " + chatId + ": " + e.getMessage());
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        String chatId = path == null ? null : chatId(path, "/stream");
        if (chatId == null) {
            Requests.reject(response, 404, "no such endpoint: GET {api}/{chatId}/stream resumes a chat's answer");
            return;
        }
        Optional<String> active;
        try {
            active = settings.sse.isResumable() ? settings.sse.control().activeStream(chatId) : Optional.empty();
        } catch (SseReplayException e) {
            Requests.reject(response, 503, "cannot resume the answer of chat " + chatId + ": " + e.getMessage());
            return;
        }
        if (active.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (!AsyncStreams.asyncSupported("UiMessageServlet", request, response)) {
            return;
        }
        String streamId = active.get();
        AsyncStreams.serve(request, response, sink -> {
            // From event 0: the client rebuilds the message from start, so a replay must begin there.
            if (settings.sse.resume(protocol(sink), streamId + "-0") == SseOutcome.NOTHING_TO_RESUME) {
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            }
        });
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!AsyncStreams.asyncSupported("UiMessageServlet", request, response)) {
            return;
        }
        String body = Requests.jsonBody(request, response, settings.maxBodyBytes);
        if (body == null) {
            return;
        }
        UiChatRequest chat;
        try {
            chat = UiChatRequest.parse(body);
        } catch (UiChatRequestException e) {
            Requests.reject(response, 400, e.getMessage());
            return;
        }
        String problem = Queries.problem(chat.question(), settings.maxQueryChars);
        if (problem != null) {
            Requests.reject(response, 400, problem);
            return;
        }
        UiChatCall call = new UiChatCall(request, chat, UiMessageStream.newMessageId());
        AsyncStreams.serve(request, response, sink -> stream(call, protocol(sink)));
    }

    /** Streams the answer to {@code call}, registered as the chat's active answer while it runs. */
    private void stream(UiChatCall call, SseSink sink) {
        StreamControl control = settings.sse.control();
        String chatId = call.chatId();
        String streamId = SseResponse.newStreamId();
        Stream<SseEvent> encoded = answer.open(call, settings.errorText);
        Registration listening;
        try {
            // One answer per chat: a new question (or a regenerate) stops one still running, which would
            // otherwise go on paying for tokens nobody will see.
            Optional<String> previous = control.activeStream(chatId);
            control.markActive(chatId, streamId);
            previous.ifPresent(id -> control.stop(stopId(id)));
            listening = control.onStop(stopId(streamId), encoded::close);
        } catch (SseReplayException e) {
            log.warn("the answer of chat {} streams, but cannot be resumed or stopped by chat id: {}", chatId,
                    e.getMessage());
            listening = Registration.NONE;
        }
        Registration stopListener = listening;
        Stream<SseEvent> events = encoded.onClose(() -> {
            stopListener.close();
            try {
                control.clearActive(chatId, streamId);
            } catch (SseReplayException e) {
                log.debug("cannot clear the active answer of chat {}; it expires", chatId, e);
            }
        });
        SseOutcome outcome = settings.sse.isResumable()
                ? settings.sse.stream(sink, events, streamId)
                : settings.sse.stream(sink, events);
        log.debug("UI message stream of chat {} ended: {}", chatId, outcome);
    }

    /**
     * Returns the id under which the answer of stream {@code streamId} listens for a stop. Not the stream id
     * itself, under which a resumable response listens too: its stop abandons the source at once, while closing the
     * encoded answer lets it end with {@code abort}, which tells a resumed page that the answer was stopped.
     */
    private static String stopId(String streamId) {
        return streamId + "-stop";
    }

    /** Returns the chat id of {@code /{chatId}{suffix}}, or {@code null} when the path is not of that form. */
    private static @Nullable String chatId(String path, String suffix) {
        if (!path.endsWith(suffix) || path.length() <= suffix.length() + 1) {
            return null;
        }
        String id = path.substring(1, path.length() - suffix.length());
        if (id.indexOf('/') >= 0 || id.length() > UiChatRequest.MAX_CHAT_ID_CHARS) {
            return null;
        }
        return id;
    }

    /** Adds the protocol's header to the SSE headers. */
    private static SseSink protocol(SseSink sink) {
        return new SseSink() {
            @Override
            public void header(String name, String value) {
                sink.header(name, value);
            }

            @Override
            public OutputStream open() throws IOException {
                sink.header(UiMessageStream.HEADER_NAME, UiMessageStream.HEADER_VALUE);
                return sink.open();
            }
        };
    }

    @Override
    public String toString() {
        return "UiMessageServlet{" + settings.sse + ", maxQueryChars=" + settings.maxQueryChars + ", maxBodyBytes="
                + settings.maxBodyBytes + '}';
    }
}
