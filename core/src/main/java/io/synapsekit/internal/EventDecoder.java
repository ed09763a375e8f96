package io.synapsekit.internal;

import io.synapsekit.llm.LLMEvent;
import java.io.IOException;
import java.util.function.Consumer;

/** Turns one provider's response body into {@link LLMEvent}s, reading on the caller's thread. */
@FunctionalInterface
public interface EventDecoder {

    /**
     * Reads the next chunk of the body (an SSE event, a line) and emits its events, which may be none: the
     * client calls again until it has an event to deliver.
     *
     * @param sink receives the decoded events, in order
     * @return {@code true} when more may follow; {@code false} once the provider's end marker was read
     * @throws IOException when reading the body fails
     * @throws io.synapsekit.llm.LLMException when the provider reports an error, sends a malformed chunk, or the
     *     body ends before the end marker (build these with {@link StreamContext})
     */
    boolean next(Consumer<LLMEvent> sink) throws IOException;
}
