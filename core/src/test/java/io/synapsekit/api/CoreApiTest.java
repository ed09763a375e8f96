package io.synapsekit.api;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Core's public API equals the checked-in listing {@code core/api/synapsekit-core.api}. */
class CoreApiTest {

    static final List<String> EXPORTED = List.of(
            "io.synapsekit", "io.synapsekit.stream", "io.synapsekit.sse", "io.synapsekit.llm", "io.synapsekit.llm.http",
            "io.synapsekit.llm.openai", "io.synapsekit.llm.anthropic", "io.synapsekit.llm.ollama",
            "io.synapsekit.llm.gemini", "io.synapsekit.http.spi", "io.synapsekit.tool", "io.synapsekit.agent",
            "io.synapsekit.observe");

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-core", EXPORTED);
    }
}
