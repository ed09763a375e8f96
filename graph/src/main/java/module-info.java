/**
 * SynapseKit graph: {@code StateGraph} workflows whose runs stream node updates, LLM tokens, Server-Sent Events
 * and WebSocket messages as blocking streams on virtual threads.
 */
module io.synapsekit.graph {
    requires transitive io.synapsekit.core;
    requires com.fasterxml.jackson.databind;

    exports io.synapsekit.graph;
}
