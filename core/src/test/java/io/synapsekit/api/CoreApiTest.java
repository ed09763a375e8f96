package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares core's public API with the checked-in listing {@code core/api/synapsekit-core.api}. After an
 * intended change, regenerate it with {@code mvn verify -Dsynapsekit.updateApi=true} and review the diff.
 */
class CoreApiTest {

    static final List<String> EXPORTED = List.of(
            "io.synapsekit.stream", "io.synapsekit.sse", "io.synapsekit.llm", "io.synapsekit.llm.openai",
            "io.synapsekit.llm.anthropic", "io.synapsekit.llm.ollama", "io.synapsekit.llm.gemini",
            "io.synapsekit.http.spi");

    @Test
    void publicApiMatchesTheCheckedInListing() throws Exception {
        String actual = ApiListing.of(Path.of("target/classes"), EXPORTED);
        Path file = Path.of("api/synapsekit-core.api");
        if (Boolean.getBoolean("synapsekit.updateApi")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("public API of synapsekit-core; regenerate with -Dsynapsekit.updateApi=true")
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
