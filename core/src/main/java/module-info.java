/**
 * SynapseKit core: streaming primitives, Server-Sent Events, the LLM API with its typed events and errors,
 * provider codecs, and the HTTP transport SPI. Holds no HTTP client: add {@code io.synapsekit.transport.jdk}.
 */
module io.synapsekit.core {
    requires transitive org.slf4j;
    requires com.fasterxml.jackson.databind;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit;
    exports io.synapsekit.stream;
    exports io.synapsekit.sse;
    exports io.synapsekit.llm;
    exports io.synapsekit.llm.http;
    exports io.synapsekit.llm.openai;
    exports io.synapsekit.llm.anthropic;
    exports io.synapsekit.llm.ollama;
    exports io.synapsekit.llm.gemini;
    exports io.synapsekit.http.spi;
    exports io.synapsekit.tool;
    exports io.synapsekit.agent;
    exports io.synapsekit.observe;
    // Shared plumbing (HTTP client with retries, JSON, stream context, the deadline timer) for our own modules only,
    // never for users.
    exports io.synapsekit.internal to io.synapsekit.graph, io.synapsekit.rag, io.synapsekit.server,
            io.synapsekit.transport.jdk;

    uses io.synapsekit.http.spi.HttpTransportProvider;
    uses io.synapsekit.observe.LLMListener;
}
