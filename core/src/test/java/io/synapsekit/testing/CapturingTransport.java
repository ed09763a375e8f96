package io.synapsekit.testing;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.stream.CloseableIterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport that records each request as the client hands it over, and answers none: {@code send} throws
 * {@link UnsupportedOperationException}, so a call fails at once without a network.
 */
public final class CapturingTransport implements HttpTransport {

    private final List<TransportRequest> sent = new CopyOnWriteArrayList<>();

    @Override
    public TransportResponse send(TransportRequest request) {
        sent.add(request);
        throw new UnsupportedOperationException("no network in this test");
    }

    @Override
    public void close() {
    }

    /** Returns the request {@code llm}, built on this transport, sends for a conversation. */
    public TransportRequest sent(LLM llm, List<ChatMessage> messages, GenerateOptions options) {
        int before = sent.size();
        try (CloseableIterator<?> events = llm.eventIterator(messages, options)) {
            throw new AssertionError("the transport answered nothing, yet the call went on: " + events);
        } catch (UnsupportedOperationException expected) {
            return sent.get(before);
        }
    }

    /** Returns the request {@code llm}, built on this transport, sends for one user message. */
    public TransportRequest sent(LLM llm, String prompt, GenerateOptions options) {
        return sent(llm, List.of(ChatMessage.user(prompt)), options);
    }
}
