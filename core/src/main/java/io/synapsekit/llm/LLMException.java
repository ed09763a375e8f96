package io.synapsekit.llm;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The base of every error an LLM call throws: unchecked, typed by cause, and never losing the text already
 * streamed.
 *
 * <p>The message names the provider, the HTTP status where there was one, and the provider's own words, cut to
 * a readable length. It never contains an API key. {@link #partialText()} holds the answer text delivered before
 * the failure, so a caller can show or keep what arrived; {@link #partialThinking()}, {@link #partialToolCalls()}
 * and {@link #usage()} hold the rest of the {@link #partialResult() partial result}.
 *
 * <p>Subclasses exist for each cause a caller can act on; {@link #isRetryable()} is the one question retry logic
 * needs to ask. Their constructors are public so that an {@link LLM} of one's own can throw the same typed errors
 * as SynapseKit's providers; each takes the {@link PartialResult} delivered before the failure
 * ({@link PartialResult#EMPTY}, or {@link PartialResult#ofText} for text only).
 */
public class LLMException extends RuntimeException {

    private final String provider;
    private final int httpStatus;
    private final PartialResult partial;

    /**
     * Creates an error.
     *
     * @param provider the provider's short name, e.g. {@code "openai"}
     * @param httpStatus the HTTP status, or {@code 0} when the failure had none
     * @param message what went wrong, without the provider prefix (it is added)
     * @param partial what was delivered before the failure; {@code null} is taken as {@link PartialResult#EMPTY}
     * @param cause the underlying failure, or {@code null}
     */
    public LLMException(String provider, int httpStatus, String message, @Nullable PartialResult partial,
            @Nullable Throwable cause) {
        super(prefix(provider, httpStatus) + message, cause);
        this.provider = provider == null ? "llm" : provider;
        this.httpStatus = httpStatus;
        this.partial = partial == null ? PartialResult.EMPTY : partial;
    }

    private static String prefix(String provider, int status) {
        String p = provider == null ? "llm" : provider;
        return status > 0 ? p + ": HTTP " + status + ": " : p + ": ";
    }

    /** Returns the provider's short name, e.g. {@code "openai"}. */
    public String provider() {
        return provider;
    }

    /** Returns the HTTP status of the failed response, if the failure had one. */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    /** Returns the answer text delivered before the failure; never {@code null}, {@code ""} when none. */
    public String partialText() {
        return partial.text();
    }

    /** Returns the reasoning ("thinking") text delivered before the failure; {@code ""} when none. */
    public String partialThinking() {
        return partial.thinking();
    }

    /**
     * Returns the tool calls seen before the failure: those the model finished, in the order it finished them,
     * then any it was still writing, in index order, with the arguments received so far. A call still being
     * written may have arguments cut mid-JSON; {@link LLMStream#toolCalls()} holds only finished ones.
     */
    public List<LLMEvent.ToolCall> partialToolCalls() {
        return partial.toolCalls();
    }

    /** Returns the token counts the provider reported before the failure, if it reported any. */
    public Optional<LLMEvent.Usage> usage() {
        return Optional.ofNullable(partial.usage());
    }

    /** Returns everything delivered before the failure; {@link PartialResult#EMPTY} when nothing was. */
    public PartialResult partialResult() {
        return partial;
    }

    /**
     * Returns whether sending the same request again may succeed. Retrying is only safe before any content was
     * delivered; this library never retries after that.
     */
    public boolean isRetryable() {
        return false;
    }
}
