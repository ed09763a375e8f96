package io.synapsekit.internal;

import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import java.time.Duration;
import java.util.List;

/**
 * One provider's wire format: how a conversation becomes an HTTP request, and how the response body becomes
 * events. Everything else (sending, retries, time limits, errors, releasing the connection) is shared in
 * {@link HttpLLMClient}.
 */
public interface ProviderCodec {

    /** Returns the provider's short name for errors and logs, e.g. {@code "openai"}. */
    String provider();

    /** Returns the HTTP request for a conversation. */
    TransportRequest encode(List<ChatMessage> messages, GenerateOptions options, Duration headersTimeout);

    /** Returns a decoder of a successful (2xx) response's body. */
    EventDecoder decoder(TransportResponse response, StreamContext context);

    /**
     * Returns a hint added to HTTP 404 errors, naming what was not found (e.g. the model and the URL), or
     * {@code ""}.
     */
    default String notFoundHint(GenerateOptions options) {
        return "";
    }

    /** Returns the secret to redact from every error message (the API key), or {@code null}. */
    default String secret() {
        return null;
    }
}
