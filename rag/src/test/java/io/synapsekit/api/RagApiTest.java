package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares rag's public API with the checked-in listing {@code rag/api/synapsekit-rag.api}. After an intended
 * change, regenerate it with {@code mvn verify -Dsynapsekit.updateApi=true} and review the diff.
 */
class RagApiTest {

    static final List<String> EXPORTED = List.of(
            "io.synapsekit.rag", "io.synapsekit.rag.split", "io.synapsekit.rag.retrieval",
            "io.synapsekit.rag.embeddings");

    @Test
    void publicApiMatchesTheCheckedInListing() throws Exception {
        String actual = ApiListing.of(Path.of("target/classes"), EXPORTED);
        Path file = Path.of("api/synapsekit-rag.api");
        if (Boolean.getBoolean("synapsekit.updateApi")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("public API of synapsekit-rag; regenerate with -Dsynapsekit.updateApi=true")
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
