package io.synapsekit.observe;

import java.util.Objects;

/**
 * A unit of work around LLM calls that a listener may observe: a graph run, one node of it, a retrieval, an agent
 * run, a tool call, an answer served to a browser.
 *
 * @param kind what sort of work: {@link #GRAPH_RUN}, {@link #GRAPH_NODE}, {@link #RETRIEVAL}, {@link #AGENT_RUN},
 *     {@link #TOOL_CALL}, {@link #SERVE_SSE}, {@link #SERVE_WEBSOCKET} or {@link #WEBSOCKET_CONNECTION}
 * @param name which one: the node's name, the retriever's class, the tool's name, how an answer was served;
 *     {@code ""} for a graph or agent run
 */
public record Work(String kind, String name) {

    /** A run of a compiled graph, from its entry point until every branch ends. */
    public static final String GRAPH_RUN = "graph.run";

    /** One execution of a graph node, on the run's thread or a fan-out branch's. */
    public static final String GRAPH_NODE = "graph.node";

    /** A RAG pipeline's retrieval of the chunks an answer is grounded in. */
    public static final String RETRIEVAL = "retrieval";

    /** A run of an agent: its model calls and tool calls, step after step, until it answers. */
    public static final String AGENT_RUN = "invoke_agent";

    /** The execution of a tool the model called, named by the tool. */
    public static final String TOOL_CALL = "execute_tool";

    /**
     * An answer served as Server-Sent Events, from the request until the response ends; named {@code "stream"}
     * for an answer produced for it, {@code "resume"} for a reconnected client's rest of one.
     */
    public static final String SERVE_SSE = "serve.sse";

    /** An answer served over a WebSocket, from the client's request until its last frame; named by its kind. */
    public static final String SERVE_WEBSOCKET = "serve.websocket";

    /**
     * A WebSocket connection, from its upgrade request until the socket closes: begun on the upgrade request's
     * thread, so it is that request's child, and the parent of each {@link #SERVE_WEBSOCKET} answer on the
     * connection; named by the protocol.
     */
    public static final String WEBSOCKET_CONNECTION = "websocket.connection";

    public Work {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
