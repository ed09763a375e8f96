/**
 * SynapseKit checkpoint-jdbc: a graph {@code Checkpointer} on PostgreSQL over plain JDBC, so graph runs pause,
 * survive their JVM and resume.
 */
module io.synapsekit.checkpoint.jdbc {
    requires transitive io.synapsekit.graph;
    requires transitive java.sql;
    requires com.fasterxml.jackson.databind;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit.checkpoint.jdbc;
}
