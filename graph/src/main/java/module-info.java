/**
 * SynapseKit graph: {@code StateGraph} workflows whose runs stream node updates, LLM tokens, Server-Sent Events
 * and WebSocket messages as blocking streams on virtual threads.
 */
module io.synapsekit.graph {
    requires transitive io.synapsekit.core;
    requires com.fasterxml.jackson.databind;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit.graph;
}
