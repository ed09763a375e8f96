package io.synapsekit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.llm.LLMEvent;
import java.io.IOException;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.TruncatedStreamException;
import org.jspecify.annotations.Nullable;

/**
 * What a decoder knows about the stream it decodes, and the errors it raises, each with the stream's partial
 * result.
 */
public interface StreamContext {

    /** Returns the provider's short name. */
    String provider();

    /**
     * Returns what the stream delivered so far: answer text, thinking, refusal, tool calls (finished and being
     * written) and the usage reported.
     */
    PartialResult partial();

    /** Returns the answer text decoded so far. */
    default String partialText() {
        return partial().text();
    }

    /**
     * Records token counts the provider reported that the decoder holds back until the end of the stream (e.g.
     * the prompt's count in Anthropic's {@code message_start}), so that an error before then still carries them.
     */
    default void usageReported(LLMEvent.Usage usage) {
    }

    /**
     * Records the response's id and the model that answered, as the provider's stream names them; a decoder calls
     * it once, from the first chunk that carries them, so that it costs nothing per token.
     *
     * @param id the provider's id of the response, or {@code null} when it sends none
     * @param model the model that answered, or {@code null} when it names none
     */
    default void responseReported(@Nullable String id, @Nullable String model) {
    }

    /** Returns the secret (the API key) that no error may quote, or {@code null}. */
    default @Nullable String secret() {
        return null;
    }

    /** Returns the most bytes one SSE line or event may have. */
    int maxEventBytes();

    /** Returns the error for a body that ended before the provider's end marker. */
    default TruncatedStreamException truncated(String what) {
        return new TruncatedStreamException(provider(), what, partial(), null);
    }

    /** Returns the error for a chunk that cannot be decoded. */
    default MalformedChunkException malformed(String what, String chunk, @Nullable Throwable cause) {
        // A provider or proxy may echo the request, key included, into what it streams back.
        return new MalformedChunkException(provider(), HttpErrors.redact(what, secret()),
                HttpErrors.redact(chunk, secret()), partial(), cause);
    }

    /** Parses {@code text}, a chunk of the stream named {@code what}, or fails with the error for a malformed one. */
    default JsonNode json(String what, String text) {
        try {
            return Json.parse(text);
        } catch (IOException e) {
            throw malformed(what + " is not JSON", text, e);
        }
    }

    /** Returns {@code json}, parsed from {@code text}, when it is an object; else fails as {@link #json} does. */
    default JsonNode object(String what, JsonNode json, String text) {
        if (!json.isObject()) {
            throw malformed(what + " is not a JSON object", text, null);
        }
        return json;
    }

    /** Returns the error for a failure the provider reported inside the stream. See the overload with a code. */
    default LLMException providerError(String type, String message) {
        return providerError(type, "", message);
    }

    /**
     * Returns the error for a failure the provider reported inside the stream, typed by its nature (a
     * {@link io.synapsekit.llm.RateLimitException}, a {@link io.synapsekit.llm.ServerException} or a
     * {@link io.synapsekit.llm.ProviderErrorException}). The shared client retries the first two while nothing
     * was delivered.
     *
     * @param type the provider's error type, or {@code ""}
     * @param code the provider's error code, or {@code ""}
     */
    default LLMException providerError(String type, String code, String message) {
        return HttpErrors.streamError(provider(), HttpErrors.redact(type, secret()), HttpErrors.redact(code, secret()),
                HttpErrors.redact(message, secret()), partial());
    }
}
