package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.api.ApiListing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares the graph module's public API with the checked-in listing {@code graph/api/synapsekit-graph.api}.
 * After an intended change, regenerate it with {@code mvn verify -Dsynapsekit.updateApi=true} and review the diff.
 */
class GraphApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() throws Exception {
        String actual = ApiListing.of(Path.of("target/classes"), List.of("io.synapsekit.graph"));
        Path file = Path.of("api/synapsekit-graph.api");
        if (Boolean.getBoolean("synapsekit.updateApi")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("public API of synapsekit-graph; regenerate with -Dsynapsekit.updateApi=true")
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
