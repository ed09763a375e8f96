package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Core's packages refer to each other in one direction only: no two of them, directly or through others, use each
 * other. A circle would make the internal plumbing and the public API one tangle again (as {@code llm} and
 * {@code internal} once were), where neither can be read, moved or narrowed without the other.
 */
class PackageCyclesTest {

    @Test
    void coresPackagesFormNoCircle() {
        Map<String, Map<String, String>> graph = PackageCycles.references(Path.of("target/classes"));

        assertThat(graph).as("the compiled packages were found").containsKeys("io.synapsekit.llm",
                "io.synapsekit.internal", "io.synapsekit.stream");
        List<Set<String>> cycles = PackageCycles.cycles(graph);
        assertThat(cycles).as("packages that use each other, with a class making each reference:%n%s",
                describe(graph, cycles)).isEmpty();
    }

    @Test
    void aCircleThroughAThirdPackageIsFound() {
        Map<String, Map<String, String>> graph = Map.of(
                "a", Map.of("b", "a/A.class"),
                "b", Map.of("c", "b/B.class"),
                "c", Map.of("a", "c/C.class", "d", "c/C.class"),
                "d", Map.of());

        assertThat(PackageCycles.cycles(graph)).containsExactly(Set.of("a", "b", "c"));
        assertThat(PackageCycles.cycles(Map.of("a", Map.of("b", "x"), "b", Map.of()))).isEmpty();
    }

    @Test
    void aReferenceInASignatureCountsAndOneInAStringDoesNot() throws Exception {
        // LLM names the LLMStream it returns only in method descriptors; LeakWarning names no class of ours.
        try (var in = PackageCyclesTest.class.getResourceAsStream("/io/synapsekit/llm/LLM.class")) {
            assertThat(PackageCycles.referredClasses(in)).contains("io/synapsekit/llm/LLMStream",
                    "io/synapsekit/stream/CloseableIterator");
        }
        try (var in = PackageCyclesTest.class.getResourceAsStream("/io/synapsekit/api/PackageCycles.class")) {
            assertThat(PackageCycles.referredClasses(in)).as("its pattern is a string constant")
                    .containsOnly("io/synapsekit/api/PackageCycles");
        }
    }

    private static String describe(Map<String, Map<String, String>> graph, List<Set<String>> cycles) {
        return cycles.stream().flatMap(cycle -> cycle.stream().flatMap(from -> graph.get(from).entrySet().stream()
                        .filter(e -> cycle.contains(e.getKey()))
                        .map(e -> "  " + from + " -> " + e.getKey() + " (" + e.getValue() + ")")))
                .collect(Collectors.joining("\n"));
    }
}
