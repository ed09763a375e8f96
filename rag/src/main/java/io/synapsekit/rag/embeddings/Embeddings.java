package io.synapsekit.rag.embeddings;

import java.util.List;

/**
 * A model that turns texts into vectors whose cosine similarity reflects similarity of meaning.
 *
 * <p>Implementations are thread-safe. Calls block until the vectors arrive; clients over HTTP send the texts in
 * batches and fail with the same typed {@link io.synapsekit.llm.LLMException}s as the LLM clients
 * (authentication, rate limit, server error, connection, timeout; an interrupt throws
 * {@link io.synapsekit.llm.CancelledException}).
 */
public interface Embeddings {

    /**
     * Returns one vector per text, in the order given; all of the same length.
     *
     * @throws io.synapsekit.llm.LLMException when the model cannot be reached or refuses
     */
    List<float[]> embed(List<String> texts);

    /** Returns the vector of one text. */
    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }
}
