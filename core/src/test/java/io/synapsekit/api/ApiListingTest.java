package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API listing guards nullness: it shows JSpecify's annotations, and finds packages that are not null-marked. */
class ApiListingTest {

    @Test
    void findsPackagesWhosePackageInfoLacksNullMarked() {
        // Test packages have no package-info; the main packages on the class path are all @NullMarked.
        List<String> unmarked = ApiListing.withoutNullMarked(Path.of("target/test-classes"),
                List.of("io.synapsekit.llm"));

        assertThat(unmarked).contains("io.synapsekit.api").doesNotContain("io.synapsekit.llm");
        assertThat(ApiListing.withoutNullMarked(Path.of("target/classes"), List.of("io.synapsekit.nowhere")))
                .as("a listed package without package-info").containsExactly("io.synapsekit.nowhere");
        assertThat(ApiListing.withoutNullMarked(Path.of("target/classes"), List.of())).isEmpty();
    }

    @Test
    void showsNullableWhereAMemberUsesIt() {
        List<String> lines = ApiListing.of(Path.of("target/classes"), List.of("io.synapsekit.llm")).lines().toList();

        assertThat(lines).contains(
                "  public @Nullable java.lang.Integer io.synapsekit.llm.LLMEvent$Usage.totalTokens()",
                "  public java.util.Map<java.lang.String, @Nullable java.lang.Object>"
                        + " io.synapsekit.llm.GenerateOptions.extraBody()",
                "  public io.synapsekit.llm.GenerateOptions$Builder io.synapsekit.llm.GenerateOptions$Builder"
                        + ".system(@Nullable java.lang.String)",
                // never null, so shown as toGenericString() shows it
                "  public java.lang.String io.synapsekit.llm.LLMEvent$Token.text()");
    }
}
