package io.synapsekit.internal;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.stream.CloseableIterator;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A chat model over HTTP: one provider's wire format on the shared client. Each provider's public {@code LLM}
 * class holds one and hands its calls to it.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpChat {

    private final String name;
    private final String model;
    private final ProviderCodec codec;
    private final HttpLLMClient client;
    private final List<LLMListener> listeners;

    HttpChat(String name, String model, ProviderCodec codec, HttpLLMClient client, List<LLMListener> listeners) {
        this.name = name;
        this.model = model;
        this.codec = codec;
        this.client = client;
        this.listeners = listeners;
    }

    /** Returns the default model requests use. */
    public String model() {
        return model;
    }

    /** Sends a conversation; see {@link io.synapsekit.llm.LLM#eventIterator}. */
    public CloseableIterator<LLMEvent> open(List<ChatMessage> messages, GenerateOptions options) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(options, "options");
        String m = options.model().orElse(model);
        if (listeners.isEmpty()) {
            return client.open(codec, m, messages, options);
        }
        URI uri = codec.endpoint(m);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        LLMCall call = new LLMCall(client.provider(), LLMCall.CHAT, m, options, uri.getHost(), port);
        return Observers.observe(listeners, call, readScope -> client.open(codec, m, messages, options, readScope));
    }

    /** Returns the client's class name, model and URL; never its key or headers. */
    @Override
    public String toString() {
        return name + "[model=" + model + ", url=" + codec.endpoint(model) + "]";
    }
}
