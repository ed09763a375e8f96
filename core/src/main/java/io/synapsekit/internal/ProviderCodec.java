package io.synapsekit.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import java.net.URI;
import java.util.List;

/**
 * One provider's wire format: where a conversation is posted, its JSON body, and how the response body becomes
 * events. Everything else (the request and its headers, sending, retries, time limits, errors, releasing the
 * connection) is shared in {@link HttpLLMClient}.
 */
public interface ProviderCodec {

    /** Returns the URL a request for {@code model} is posted to. */
    URI endpoint(String model);

    /**
     * Returns the JSON body for a conversation with {@code model}.
     *
     * @throws IllegalArgumentException when the conversation cannot be sent (no turn to answer)
     */
    ObjectNode body(String model, List<ChatMessage> messages, GenerateOptions options);

    /** Returns a decoder of a successful (2xx) response's body. */
    EventDecoder decoder(TransportResponse response, StreamContext context);

    /** Returns a hint added to HTTP 404 errors, naming what was not found. */
    default String notFoundHint(String model, URI endpoint) {
        return HttpErrors.notFoundHint(model, endpoint);
    }
}
