package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.AuthenticationException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DemoTest {

    @AfterAll
    static void stopServer() {
        Demo.shutdown();
    }

    @Test
    void withoutAKeyTheOfflineModelIsChosenAndSaysSo() {
        Demo demo = Demo.choose(new String[0], Map.of());
        assertThat(demo.isOffline()).isTrue();
        assertThat(demo.description()).startsWith("the offline demo model").contains("http://127.0.0.1:");
    }

    @Test
    void anOpenAIKeySelectsOpenAIAndTheKeyIsNotShown() {
        Demo demo = Demo.choose(new String[0], Map.of("OPENAI_API_KEY", "sk-secret-123"));
        assertThat(demo.isOffline()).isFalse();
        assertThat(demo.description()).isEqualTo("OpenAI gpt-4o-mini");
        assertThat(demo.model().toString()).doesNotContain("sk-secret-123");
    }

    @Test
    void anExplicitProviderWithoutItsKeyNamesTheVariable() {
        // The process environment decides here; a CI machine has no ANTHROPIC_API_KEY.
        if (System.getenv("ANTHROPIC_API_KEY") == null) {
            assertThatThrownBy(() -> Demo.choose("--provider", "anthropic"))
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("ANTHROPIC_API_KEY");
        }
    }

    @Test
    void anUnknownProviderIsNamed() {
        assertThatThrownBy(() -> Demo.choose("--provider", "nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown --provider nope");
        assertThatThrownBy(() -> Demo.choose("--provider"))
                .hasMessageContaining("--provider needs a value");
    }
}
