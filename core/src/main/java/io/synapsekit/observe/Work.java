package io.synapsekit.observe;

import java.util.Objects;

/**
 * A unit of work around LLM calls that a listener may observe: a graph run, one node of it, a retrieval, a tool
 * call.
 *
 * @param kind what sort of work: {@link #GRAPH_RUN}, {@link #GRAPH_NODE}, {@link #RETRIEVAL} or {@link #TOOL_CALL}
 * @param name which one: the node's name, the retriever's class, the tool's name; {@code ""} for a graph run
 */
public record Work(String kind, String name) {

    /** A run of a compiled graph, from its entry point until every branch ends. */
    public static final String GRAPH_RUN = "graph.run";

    /** One execution of a graph node, on the run's thread or a fan-out branch's. */
    public static final String GRAPH_NODE = "graph.node";

    /** A RAG pipeline's retrieval of the chunks an answer is grounded in. */
    public static final String RETRIEVAL = "retrieval";

    /** The execution of a tool the model called, named by the tool. */
    public static final String TOOL_CALL = "execute_tool";

    public Work {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
