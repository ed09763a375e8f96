package io.synapsekit.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.internal.Observers;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.server.internal.Queries;
import io.synapsekit.server.internal.ThreadResumes;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * How questions are read from, and answers written to, the text frames of a WebSocket, and what answers them.
 * Served by a {@link WsConnection}; {@code TokenWebSocket} in {@code synapsekit-servlet} serves it on any Jakarta
 * WebSocket container.
 *
 * <ul>
 *   <li>{@link #plain(Function) plain}: each text message is a question; the answer comes as one text frame per
 *       token, then {@code [DONE]}. A failure sends {@code [ERROR] <message>}, then {@code [DONE]}.
 *   <li>{@link #structured(BiFunction) structured}: the guide's JSON protocol. A question is
 *       {@code {"query": "…", "session_id": "…"}} ({@code session_id} defaults to {@code "default"}); the answer
 *       is {@code {"type":"token","content":…,"session_id":…}} per token, then
 *       {@code {"type":"done","session_id":…}}. {@code {"type":"cancel"}} stops the current answer, which then
 *       ends with {@code {"type":"cancelled","session_id":…}}. Failures get
 *       {@code {"type":"error","content":…,"session_id":…}}; a message that is not served gets the same with a
 *       {@code "code"} saying why: {@code bad_message}, {@code too_large} or {@code busy} (too many waiting).
 *   <li>{@link #graph(CompiledGraph, Function) graph}: the structured protocol serving a checkpointed graph, with
 *       a person in the loop. A question starts a run on a new thread (a random id) and streams
 *       {@link GraphStreams#wsMessages(CompiledGraph, String, Map, String) its frames}; a run that pauses at
 *       {@link io.synapsekit.graph.Interrupt#ask} ends with {@code {"type":"interrupt","thread_id":…,"node":…,
 *       "payload":…,"checkpoint_id":…,"session_id":…}} instead of {@code done}, and the client's
 *       {@code {"type":"resume","thread_id":…,"value":…}} ({@code value} any JSON) continues that thread as a
 *       stream of the same frames, on this connection or another. A resume that cannot run gets an error frame
 *       whose {@code code} is {@code unknown_thread}, {@code not_paused} (running or finished) or
 *       {@code conflict} (another resume of the thread came first), and runs nothing.
 * </ul>
 *
 * <p>The {@code session_id} comes from the client and proves nothing: scope it (by user, by connection) before
 * keying anything private on it. A {@code thread_id} is the server's (a random UUID), so holding one is what lets
 * a client resume its thread: treat it as a secret of that client's.
 *
 * <p>Immutable and thread-safe: one instance serves every connection.
 */
public final class WsProtocol {

    /**
     * Reads messages on the container's threads. Jackson's default buffer pool keeps a buffer in a thread-local of
     * each thread that parses or writes, and a container's pool thread outlives a web application, so that
     * thread-local would keep the application's class loader after undeploy; a pool of its own does not.
     */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());

    private final Codec codec;
    private final BiFunction<String, String, Stream<String>> answer;
    private final @Nullable GraphRuns graph;
    private final List<LLMListener> registered;
    private final List<LLMListener> listeners;

    private WsProtocol(Codec codec, BiFunction<String, String, Stream<String>> answer, @Nullable GraphRuns graph,
            List<LLMListener> registered) {
        this.codec = codec;
        this.answer = answer;
        this.graph = graph;
        this.registered = List.copyOf(registered);
        this.listeners = Observers.with(this.registered);
    }

    private WsProtocol(Codec codec, BiFunction<String, String, Stream<String>> answer) {
        this(codec, answer, null, List.of());
    }

    /** A checkpointed graph and how a question becomes its input. */
    private record GraphRuns(CompiledGraph graph, Function<String, ? extends Map<String, ?>> input) {
    }

    /**
     * Returns this protocol with {@code listener} added: it observes each answer as
     * {@link io.synapsekit.observe.Work#SERVE_WEBSOCKET} work, named by the protocol ({@code "plain"} or
     * {@code "structured"}), current on the connection's thread while the answer is created and read, so that the
     * graph run or LLM call it starts is its child. Listeners found with {@link java.util.ServiceLoader} observe
     * every protocol without being added.
     */
    public WsProtocol withListener(LLMListener listener) {
        List<LLMListener> all = new ArrayList<>(registered);
        all.add(Objects.requireNonNull(listener, "listener"));
        return new WsProtocol(codec, answer, graph, all);
    }

    /** Returns the listeners that observe this protocol's answers. */
    List<LLMListener> listeners() {
        return listeners;
    }

    /** Returns the protocol's name: {@code "plain"} or {@code "structured"}. */
    String name() {
        return codec.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Returns the plain-text protocol: a question per message, a frame per token, {@code [DONE]}. */
    public static WsProtocol plain(Function<String, Stream<String>> answer) {
        Objects.requireNonNull(answer, "answer");
        return new WsProtocol(Codec.PLAIN, (sessionId, query) -> answer.apply(query));
    }

    /** Returns the structured JSON protocol; {@code answer} gets the session id and the query. */
    public static WsProtocol structured(BiFunction<String, String, Stream<String>> answer) {
        return new WsProtocol(Codec.STRUCTURED, Objects.requireNonNull(answer, "answer"));
    }

    /** Returns the structured JSON protocol, answering with {@code answer(query)}. */
    public static WsProtocol structured(Function<String, Stream<String>> answer) {
        Objects.requireNonNull(answer, "answer");
        return structured((sessionId, query) -> answer.apply(query));
    }

    /**
     * Returns the structured JSON protocol serving {@code graph}, which must have a
     * {@linkplain CompiledGraph#withCheckpointer checkpointer}: a question starts a run of a new thread with input
     * {@code input(query)}, and {@code {"type":"resume","thread_id":…,"value":…}} continues a paused one (see the
     * class comment for the frames).
     *
     * <pre>{@code
     * WsProtocol approval = WsProtocol.graph(graph.withCheckpointer(checkpointer), q -> Map.of("topic", q));
     * }</pre>
     */
    public static WsProtocol graph(CompiledGraph graph, Function<String, ? extends Map<String, ?>> input) {
        GraphRuns runs = new GraphRuns(Objects.requireNonNull(graph, "graph"), Objects.requireNonNull(input, "input"));
        return new WsProtocol(Codec.STRUCTURED, (sessionId, query) -> {
            throw new IllegalStateException("a graph protocol streams frames, not tokens");
        }, runs, List.of());
    }

    Codec codec() {
        return codec;
    }

    /** Whether this protocol runs a graph: its answers are whole frames, and it takes resumes. */
    boolean runsGraph() {
        return graph != null;
    }

    /** Returns the tokens that answer {@code question}; for the token protocols. */
    Stream<String> answer(Question question) {
        return answer.apply(question.sessionId(), question.query());
    }

    /**
     * Returns the frames that answer {@code message}, a question or a resume; for the graph protocol. Blocks while
     * the checkpointer is read.
     *
     * @throws ThreadResumes.Refusal when a resume cannot run
     */
    Stream<String> frames(Message message) {
        GraphRuns runs = Objects.requireNonNull(graph, "not a graph protocol");
        return switch (message) {
            case Question q -> GraphStreams.wsMessages(runs.graph(), UUID.randomUUID().toString(),
                    Objects.requireNonNull(runs.input().apply(q.query()), "the input function returned null"),
                    q.sessionId());
            case Resume r -> ThreadResumes.resume(runs.graph(), r.threadId(), r.checkpointId(),
                    head -> GraphStreams.wsResume(runs.graph(), r.threadId(), head, r.value(), r.sessionId()));
            default -> throw new IllegalArgumentException("not answerable: " + message);
        };
    }

    @Override
    public String toString() {
        return "WsProtocol[" + name() + "]";
    }

    /** What one incoming message asks for. */
    sealed interface Message {
    }

    /** A question to answer. */
    record Question(String sessionId, String query) implements Message {
    }

    /**
     * Continue the paused run of a graph thread with {@code value} (a JSON value: map, list, string, …); when
     * {@code checkpointId} is not null, only the pause that stored that checkpoint.
     */
    record Resume(String sessionId, String threadId, @Nullable String checkpointId, @Nullable Object value)
            implements Message {
    }

    /** Stop the current answer. */
    record Cancel() implements Message {
    }

    /** A message that cannot be served; {@code problem} says why, {@code code} is its kind on the wire. */
    record Invalid(@Nullable String sessionId, String code, String problem) implements Message {
        Invalid(@Nullable String sessionId, String problem) {
            this(sessionId, BAD_MESSAGE, problem);
        }
    }

    /** The error code of a message that cannot be read or is not served here. */
    static final String BAD_MESSAGE = "bad_message";
    /** The error code of a message over the connection's limit. */
    static final String TOO_LARGE = "too_large";
    /** The error code of a question refused because too many wait. */
    static final String BUSY = "busy";

    /** The two wire formats. */
    enum Codec {
        /** Text in, a frame per token, {@code [DONE]}; a cancelled or failed answer also ends with {@code [DONE]}. */
        PLAIN {
            @Override
            Message read(String text, int maxQueryChars) {
                String problem = Queries.problem(text, maxQueryChars);
                return problem == null ? new Question("default", text) : new Invalid("default", problem);
            }

            @Override
            String token(String token, @Nullable String sessionId) {
                return token;
            }

            @Override
            String done(@Nullable String sessionId) {
                return "[DONE]";
            }

            @Override
            String cancelled(@Nullable String sessionId) {
                return "[DONE]";
            }

            @Override
            String error(String message, @Nullable String code, @Nullable String sessionId) {
                return "[ERROR] " + message;
            }

            @Override
            boolean endsErrorsWithDone() {
                return true;
            }
        },

        /** The guide's JSON messages, with {@code session_id}; plus {@code cancel}, {@code cancelled}, {@code error}. */
        STRUCTURED {
            @Override
            Message read(String text, int maxQueryChars) {
                JsonNode json;
                try {
                    json = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    return new Invalid(null, "message is not valid JSON: " + e.getOriginalMessage());
                }
                if (json == null || !json.isObject()) {
                    return new Invalid(null, "message must be a JSON object");
                }
                JsonNode sid = json.get("session_id");
                if (sid != null && !sid.isNull() && !sid.isTextual()) {
                    return new Invalid(null, "\"session_id\" must be a string");
                }
                String sessionId = sid == null || sid.isNull() ? "default" : sid.asText();
                if (sessionId.length() > 200) {
                    return new Invalid(null, "\"session_id\" too long: at most 200 characters");
                }
                JsonNode type = json.get("type");
                if (type != null && type.isTextual() && type.asText().equals("cancel")) {
                    return new Cancel();
                }
                if (type != null && type.isTextual() && type.asText().equals("resume")) {
                    return resume(json, sessionId);
                }
                if (type != null && !(type.isTextual() && type.asText().equals("query"))) {
                    return new Invalid(sessionId, "unknown message type " + type
                            + ": send a query, {\"type\":\"cancel\"} or {\"type\":\"resume\",\"thread_id\":…,"
                            + "\"value\":…}");
                }
                JsonNode query = json.get("query");
                if (query == null || !query.isTextual()) {
                    return new Invalid(sessionId, "message must have a string \"query\"");
                }
                String problem = Queries.problem(query.asText(), maxQueryChars);
                return problem == null ? new Question(sessionId, query.asText()) : new Invalid(sessionId, problem);
            }

            private static Message resume(JsonNode json, String sessionId) {
                JsonNode threadId = json.get("thread_id");
                if (threadId == null || !threadId.isTextual()) {
                    return new Invalid(sessionId, "a resume needs a string \"thread_id\"");
                }
                String problem = ThreadResumes.problem(threadId.asText());
                if (problem != null) {
                    return new Invalid(sessionId, problem);
                }
                JsonNode value = json.get("value");
                if (value == null) {
                    return new Invalid(sessionId, "a resume needs a \"value\" (any JSON, null included)");
                }
                JsonNode checkpointId = json.get("checkpoint_id");
                if (checkpointId != null && !checkpointId.isTextual() && !checkpointId.isNull()) {
                    return new Invalid(sessionId, "\"checkpoint_id\" must be a string");
                }
                try {
                    return new Resume(sessionId, threadId.asText(),
                            checkpointId == null || checkpointId.isNull() ? null : checkpointId.asText(),
                            JSON.treeToValue(value, Object.class));
                } catch (JsonProcessingException e) {
                    return new Invalid(sessionId, "\"value\" cannot be read: " + e.getOriginalMessage());
                }
            }

            @Override
            String token(String token, @Nullable String sessionId) {
                return message("token", token, null, sessionId);
            }

            @Override
            String done(@Nullable String sessionId) {
                return message("done", null, null, sessionId);
            }

            @Override
            String cancelled(@Nullable String sessionId) {
                return message("cancelled", null, null, sessionId);
            }

            @Override
            String error(String message, @Nullable String code, @Nullable String sessionId) {
                return message("error", message, code, sessionId);
            }

            @Override
            boolean endsErrorsWithDone() {
                return false;
            }

            /** Fields in the guide's order: type, content, session_id; an error's code after its content. */
            private static String message(String type, @Nullable String content, @Nullable String code,
                    @Nullable String sessionId) {
                ObjectNode json = JSON.createObjectNode().put("type", type);
                if (content != null) {
                    json.put("content", content);
                }
                if (code != null) {
                    json.put("code", code);
                }
                if (sessionId != null) {
                    json.put("session_id", sessionId);
                }
                try {
                    return JSON.writeValueAsString(json); // not toString(), which uses Jackson's default pool
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException(e); // a tree of strings always serialises
                }
            }
        };

        abstract Message read(String text, int maxQueryChars);

        abstract String token(String token, @Nullable String sessionId);

        abstract String done(@Nullable String sessionId);

        abstract String cancelled(@Nullable String sessionId);

        /** Returns an error frame; {@code code} (when not {@code null}) says what kind of message was refused. */
        abstract String error(String message, @Nullable String code, @Nullable String sessionId);

        /** Whether a failed answer is followed by {@link #done}: the plain protocol has no error type of its own. */
        abstract boolean endsErrorsWithDone();
    }
}
