/**
 * SynapseKit server: serves streams of tokens and events to browsers as Server-Sent Events, resumable, from any
 * HTTP server. Holds no container's types: {@code synapsekit-servlet} adapts it to Jakarta Servlet and WebSocket.
 */
module io.synapsekit.server {
    requires transitive io.synapsekit.core;
    requires transitive io.synapsekit.graph;
    requires transitive io.synapsekit.rag;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit.server;
    exports io.synapsekit.server.agui;
    exports io.synapsekit.server.ui;
    // Shared with our servlet adapters only, never with users.
    exports io.synapsekit.server.internal to io.synapsekit.servlet;
}
