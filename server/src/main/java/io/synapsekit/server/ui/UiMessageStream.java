package io.synapsekit.server.ui;

import io.synapsekit.graph.GraphEvent;
import io.synapsekit.graph.GraphException;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.sse.SseEvent;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Encodes one answer as the Vercel AI SDK's UI message stream, protocol {@code v1}: the SSE events whose data are
 * the JSON chunks {@code useChat} reads. Serve them with {@code SseResponse}, which adds ids, keep-alives and the
 * final {@code data: [DONE]}, with the header {@value #HEADER_NAME}{@code : }{@value #HEADER_VALUE}.
 *
 * <p>Every answer is {@code start} (with its {@code messageId}), the encoded events, then {@code finish} with the
 * finish reason ({@code stop}, {@code length}, {@code content-filter}, {@code tool-calls}, {@code other},
 * {@code unknown} when the provider sent none, {@code error}) and, when the provider reported usage,
 * {@code messageMetadata: {"usage": {"inputTokens", "outputTokens"}}}.
 * <ul>
 *   <li>answer text: {@code text-start}, {@code text-delta}…, {@code text-end}, with one id per part;
 *   <li>thinking: {@code reasoning-start}, {@code reasoning-delta}…, {@code reasoning-end};
 *   <li>tool calls: {@code tool-input-start}, {@code tool-input-delta}… as the model writes the arguments, then
 *       {@code tool-input-available} with the parsed input ({@code tool-input-error} when they are not JSON);
 *   <li>RAG sources: one {@code source-document} per retrieved chunk, before the first text delta;
 *   <li>graph nodes: {@code start-step}, a {@code data-node} part (id per step, {@code {"node", "status":
 *       "running"}}), the node's parts, the same {@code data-node} again with {@code "status": "finished"} and its
 *       {@code update}, then {@code finish-step}; a value of an update that is a list of {@code RetrievedChunk}s
 *       becomes {@code source-document} parts, so a graph's retrieval node shows its sources;
 *   <li>a refusal: text in a part of its own (the protocol has no refusal chunk, and the user must see it);
 *   <li>a failure: {@code error} with a text safe to show (see {@link #safeErrorText(Throwable)}), then
 *       {@code finish} with {@code error};
 *   <li>a stop (the returned stream closed from another thread): the open part ends, then {@code abort}.
 * </ul>
 *
 * <p>The returned streams are lazy and one-shot; closing one closes its source (cancelling the LLM request or the
 * graph run) and may be done from any thread: that is how an answer is stopped. Stateless and thread-safe.
 */
public final class UiMessageStream {

    /** The response header that names the protocol to the client. */
    public static final String HEADER_NAME = "x-vercel-ai-ui-message-stream";
    /** The protocol version this class speaks. */
    public static final String HEADER_VALUE = "v1";
    static final String GENERIC_ERROR = "the answer failed";

    private static final SecureRandom RANDOM = new SecureRandom();

    private UiMessageStream() {
    }

    /** Returns a new random message id, unique per answer: {@code msg-} and 22 URL-safe characters. */
    public static String newMessageId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "msg-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Returns the error text shown by default: the message of SynapseKit's own exceptions ({@code LLMException},
     * {@code GraphException}), which name the provider and the status and never a key, and
     * {@code "the answer failed"} for any other, whose message may reveal internals; never a stack trace.
     */
    public static String safeErrorText(Throwable failure) {
        if ((failure instanceof LLMException || failure instanceof GraphException) && failure.getMessage() != null) {
            return failure.getMessage();
        }
        return GENERIC_ERROR;
    }

    /** Encodes an LLM's events ({@code llm.events(messages, options)}) as message {@code messageId}. */
    public static Stream<SseEvent> llm(Stream<LLMEvent> events, String messageId) {
        return llm(events, messageId, UiMessageStream::safeErrorText);
    }

    /** Encodes an LLM's events, with {@code errorText} saying what the client is shown of a failure. */
    public static Stream<SseEvent> llm(Stream<LLMEvent> events, String messageId,
            Function<Throwable, String> errorText) {
        return encode(events, messageId, errorText, UiMessageEncoder::llm);
    }

    /** Encodes a RAG answer's events ({@code rag.events(question)}) as message {@code messageId}. */
    public static Stream<SseEvent> rag(Stream<RAGEvent> events, String messageId) {
        return rag(events, messageId, UiMessageStream::safeErrorText);
    }

    /** Encodes a RAG answer's events, with {@code errorText} saying what the client is shown of a failure. */
    public static Stream<SseEvent> rag(Stream<RAGEvent> events, String messageId,
            Function<Throwable, String> errorText) {
        return encode(events, messageId, errorText, UiMessageEncoder::rag);
    }

    /** Encodes a graph run's events ({@code compiled.events(input)}) as message {@code messageId}. */
    public static Stream<SseEvent> graph(Stream<GraphEvent> events, String messageId) {
        return graph(events, messageId, UiMessageStream::safeErrorText);
    }

    /** Encodes a graph run's events, with {@code errorText} saying what the client is shown of a failure. */
    public static Stream<SseEvent> graph(Stream<GraphEvent> events, String messageId,
            Function<Throwable, String> errorText) {
        return encode(events, messageId, errorText, UiMessageEncoder::graph);
    }

    private static <E> Stream<SseEvent> encode(Stream<E> events, String messageId,
            Function<Throwable, String> errorText, BiConsumer<UiMessageEncoder, E> encode) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(errorText, "errorText");
        if (messageId.isBlank()) {
            throw new IllegalArgumentException("messageId must not be blank");
        }
        UiChunkSpliterator<E> chunks = new UiChunkSpliterator<>(events, new UiMessageEncoder(messageId, errorText),
                encode);
        return StreamSupport.stream(chunks, false).onClose(chunks::stop);
    }
}
