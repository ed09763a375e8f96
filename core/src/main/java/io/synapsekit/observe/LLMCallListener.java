package io.synapsekit.observe;

import io.synapsekit.llm.LLMEvent;
import org.jspecify.annotations.Nullable;

/**
 * What one LLM call tells its listener as it streams, from the moment the request is sent until it ends. Returned
 * by {@link LLMListener#callStarted}.
 *
 * <p>Every method runs on the thread that reads the stream, between two reads of the HTTP body, so it must be cheap:
 * a few field writes, a clock read, recording a measurement; never I/O or a lock that may be held long. A call
 * ends exactly once, by {@link #finished}, {@link #failed}, {@link #cancelled} or {@link #abandoned}; only
 * {@code cancelled} (from the thread that closed the stream) and {@code abandoned} (from a cleaner's thread) may
 * come from another thread. An exception thrown here is logged once and otherwise
 * ignored: it never breaks the stream.
 */
public interface LLMCallListener {

    /** A listener that wants nothing. */
    LLMCallListener NONE = new LLMCallListener() {
    };

    /**
     * Makes this call's context current on the calling thread, for as long as the library sends the request or
     * reads the body there; by default nothing. A tracing listener makes its span current, so that the
     * transport's own HTTP span is its child.
     *
     * <p>The library enters once around sending the request and once around each read of the body, and closes the
     * returned scope as soon as the read returns, before decoding what it brought. So the scope's close is when the
     * bytes of the events that follow arrived: a listener may take the time there, once per read, instead of once
     * per event (a read may bring a burst of events).
     */
    default Scope enter() {
        return Scope.NONE;
    }

    /**
     * Hears the first content of the answer arrive: text, thinking, a refusal or a tool call being written (not a
     * keep-alive or an empty opening chunk). Called right after the transport read it, before {@link #chunk}.
     */
    default void firstChunk() {
    }

    /**
     * Hears the provider's id of the response and the model that answered, as the stream names them (Chat
     * Completions' {@code id} and {@code model}, Anthropic's {@code message_start}, Gemini's {@code responseId}
     * and {@code modelVersion}, Ollama's {@code model}); by default nothing. Comes once per response, before the
     * first chunk's events, when the provider names either; again when the request had to be sent again.
     *
     * @param id the response's id, or {@code null} when the provider sends none (Ollama)
     * @param model the model that answered, which may be more precise than the one asked for
     *     ({@code "gpt-4o-2024-08-06"} for {@code "gpt-4o"}), or {@code null} when the provider names none
     */
    default void response(@Nullable String id, @Nullable String model) {
    }

    /** Hears one event of the answer, in order, as soon as it was decoded (the first content one included). */
    default void chunk(LLMEvent event) {
    }

    /** Hears the token counts the provider reported; may come more than once (the last one stands). */
    default void usage(LLMEvent.Usage usage) {
    }

    /**
     * Hears the stream end as the provider ended it.
     *
     * @param reason the provider's finish reason ({@code "stop"}, {@code "length"}, {@code "tool_calls"}…), or
     *     {@code null} when it sent none
     */
    default void finished(@Nullable String reason) {
    }

    /**
     * Hears the call fail: before the stream started (the error of the last attempt) or midway (a cut connection,
     * a time limit, an interrupt).
     *
     * @param error the typed error the caller gets ({@link io.synapsekit.llm.LLMException} and its subtypes, or
     *     another unchecked exception)
     * @param partialTextLength the characters of answer text delivered before it failed
     */
    default void failed(RuntimeException error, int partialTextLength) {
    }

    /**
     * Hears the caller close the stream before its end; may come from the thread that closed it.
     *
     * @param partialTextLength the characters of answer text delivered before it was closed
     */
    default void cancelled(int partialTextLength) {
    }

    /**
     * Hears that the stream was abandoned: it became unreachable before its end, neither read to it nor closed
     * (its caller dropped it). Comes from a cleaner's thread, once the garbage collector found the stream, which
     * may be long after the caller let it go; by default heard as {@link #cancelled}.
     *
     * @param partialTextLength the characters of answer text delivered before it was dropped
     */
    default void abandoned(int partialTextLength) {
        cancelled(partialTextLength);
    }
}
