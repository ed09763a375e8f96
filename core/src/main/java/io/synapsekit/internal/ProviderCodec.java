package io.synapsekit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One provider's wire format: where a conversation is posted, its JSON body, the provider's own headers, and how
 * the response body becomes events. Everything else (the request itself, sending, retries, time limits, errors,
 * releasing the connection) is shared in {@link HttpLLMClient}.
 */
public interface ProviderCodec {

    /** Returns the provider's own headers: what it answers with, its key and its version, where it has them. */
    Map<String, String> headers();

    /** Returns the URL a request with {@code options} is posted to. */
    URI endpoint(GenerateOptions options);

    /**
     * Returns the JSON body for a conversation.
     *
     * @throws IllegalArgumentException when the conversation cannot be sent (no turn to answer)
     */
    ObjectNode body(List<ChatMessage> messages, GenerateOptions options);

    /** Returns a decoder of a successful (2xx) response's body. */
    EventDecoder decoder(TransportResponse response, StreamContext context);

    /**
     * Returns a hint added to HTTP 404 errors, naming what was not found (e.g. the model and the URL), or
     * {@code ""}.
     */
    default String notFoundHint(GenerateOptions options) {
        return "";
    }
}
