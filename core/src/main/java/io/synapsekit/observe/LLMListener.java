package io.synapsekit.observe;

/**
 * Observes LLM calls, and the graph nodes and retrievals around them, without a tracing library in core: the
 * service provider interface that {@code synapsekit-opentelemetry} implements.
 *
 * <p>Register one on a client's builder ({@code OpenAILLM.builder().listener(…)}), a graph
 * ({@code StateGraph.listener(…)}) or a RAG pipeline ({@code RAG.builder(llm).listener(…)}), or for all of them
 * at once by naming it as a {@code java.util.ServiceLoader} provider of this interface
 * ({@code provides io.synapsekit.observe.LLMListener with …}, or {@code META-INF/services}); providers found so
 * are created once, with their public no-argument constructor, and apply to every client, graph and pipeline
 * built afterwards.
 *
 * <p>Implementations are thread-safe: calls start on many threads at once. Each method runs on the thread doing
 * the work and must be cheap. An exception a listener throws is logged once (per listener class) through slf4j and
 * otherwise ignored: observing never breaks a stream.
 *
 * @implNote With no listener registered nothing is wrapped: a stream costs exactly what it did without this SPI.
 *     With one, each event costs a few field writes and one call to {@link LLMCallListener#chunk}, plus the
 *     listener's own work.
 */
public interface LLMListener {

    /**
     * Hears an LLM call start, on the calling thread, before its request is sent, and returns what hears the rest
     * of it ({@link LLMCallListener#NONE} to ignore it).
     */
    LLMCallListener callStarted(LLMCall call);

    /**
     * Hears a unit of work start, on the thread that starts it, and returns what hears the rest of it; by default
     * {@link WorkListener#NONE}.
     */
    default WorkListener workStarted(Work work) {
        return WorkListener.NONE;
    }
}
