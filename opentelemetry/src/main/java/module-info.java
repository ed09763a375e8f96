/**
 * SynapseKit OpenTelemetry: an {@code io.synapsekit.observe.LLMListener} that records spans and metrics of LLM
 * calls, graph nodes and retrievals to the OpenTelemetry GenAI semantic conventions, through the OpenTelemetry API
 * only.
 */
module io.synapsekit.opentelemetry {
    requires transitive io.synapsekit.core;
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit.opentelemetry;
}
