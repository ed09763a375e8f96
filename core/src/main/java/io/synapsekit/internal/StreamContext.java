package io.synapsekit.internal;

import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.TruncatedStreamException;

/** What a decoder knows about the stream it decodes, and the errors it raises, each with the partial text. */
public interface StreamContext {

    /** Returns the provider's short name. */
    String provider();

    /** Returns the answer text decoded so far. */
    String partialText();

    /** Returns the secret (the API key) that no error may quote, or {@code null}. */
    default String secret() {
        return null;
    }

    /** Returns the most bytes one SSE line or event may have. */
    int maxEventBytes();

    /** Returns the error for a body that ended before the provider's end marker. */
    default TruncatedStreamException truncated(String what) {
        return new TruncatedStreamException(provider(), what, partialText(), null);
    }

    /** Returns the error for a chunk that cannot be decoded. */
    default MalformedChunkException malformed(String what, String chunk, Throwable cause) {
        // A provider or proxy may echo the request, key included, into what it streams back.
        return new MalformedChunkException(provider(), HttpErrors.redact(what, secret()),
                HttpErrors.redact(chunk, secret()), partialText(), cause);
    }

    /** Returns the error for a failure the provider reported inside the stream. */
    default ProviderErrorException providerError(String type, String message) {
        return new ProviderErrorException(provider(), HttpErrors.redact(type, secret()),
                HttpErrors.redact(message, secret()), partialText());
    }
}
