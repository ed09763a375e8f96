package io.synapsekit.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.internal.OpenAIServer;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.GenerateOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The OpenAI-compatible presets: base URLs, key variables, and that an OpenAI key never leaks to them. */
class OpenAICompatibleTest {

    /** Captures the request a client would send, answering nothing. */
    static final class Capture implements HttpTransport {
        TransportRequest request;

        @Override
        public TransportResponse send(TransportRequest request) {
            this.request = request;
            throw new UnsupportedOperationException("captured");
        }

        @Override
        public void close() {
        }
    }

    static List<OpenAIServer> presets() {
        return List.of(OpenAIServer.GROQ, OpenAIServer.DEEPSEEK, OpenAIServer.TOGETHER, OpenAIServer.FIREWORKS,
                OpenAIServer.OPENROUTER, OpenAIServer.XAI, OpenAIServer.PERPLEXITY, OpenAIServer.VLLM,
                OpenAIServer.LM_STUDIO, OpenAIServer.LLAMA_CPP, OpenAIServer.MISTRAL);
    }

    /** Returns the builder of {@code server}'s preset, reading variables from {@code environment}. */
    private static OpenAILLM.Builder preset(OpenAIServer server, String model, Function<String, String> environment) {
        return new OpenAILLM.Builder(environment, server).model(model);
    }

    private static TransportRequest sent(OpenAILLM.Builder builder) {
        Capture capture = new Capture();
        try {
            builder.transport(capture).maxRetries(0).build().generate("hi",
                    GenerateOptions.builder().maxTokens(5).build());
        } catch (UnsupportedOperationException expected) {
            // the capture answers nothing
        } catch (RuntimeException e) {
            if (capture.request == null) {
                throw e;
            }
        }
        return capture.request;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void eachPresetUsesItsBaseUrlAndItsOwnKeyNeverOpenAIs(OpenAIServer preset) {
        Map<String, String> env = preset.keyVariable() == null ? Map.of("OPENAI_API_KEY", "sk-openai")
                : Map.of("OPENAI_API_KEY", "sk-openai", preset.keyVariable(), "own-key");
        TransportRequest request = sent(preset(preset, "some-model", env::get));

        assertThat(request.uri().toString()).isEqualTo(preset.baseUrl() + "/chat/completions");
        List<String> auth = request.headers().get("Authorization");
        if (preset.keyVariable() == null) {
            assertThat(auth).isNull();
        } else {
            assertThat(auth).containsExactly("Bearer own-key");
        }
        assertThat(new String(request.body())).contains("\"model\":\"some-model\"").contains("\"max_tokens\"")
                .doesNotContain("max_completion_tokens");
    }

    @Test
    void aHostedPresetWithoutItsOwnKeyFailsAtBuildNamingItsVariableAndNeverUsesOpenAIs() {
        Function<String, String> env = Map.of("OPENAI_API_KEY", "sk-openai")::get;
        assertThatThrownBy(() -> preset(OpenAIServer.GROQ, "m", env).build())
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("groq").hasMessageContaining("GROQ_API_KEY").hasMessageNotContaining("sk-openai");
        assertThat(sent(preset(OpenAIServer.GROQ, "m", env).apiKey("explicit")).headers())
                .containsEntry("Authorization", List.of("Bearer explicit"));
    }

    @Test
    void aLocalPresetWithoutAKeySendsNone() {
        Function<String, String> env = Map.of("OPENAI_API_KEY", "sk-openai")::get;
        assertThat(sent(preset(OpenAIServer.VLLM, "m", env)).headers())
                .doesNotContainKey("Authorization");
    }

    @Test
    void mistralIsNotSentStreamOptionsWhichItRejects() {
        Function<String, String> env = Map.of("MISTRAL_API_KEY", "mk")::get;
        TransportRequest request = sent(preset(OpenAIServer.MISTRAL, "mistral-small-latest", env));
        assertThat(request.uri().toString()).isEqualTo("https://api.mistral.ai/v1/chat/completions");
        assertThat(new String(request.body())).contains("\"stream\":true").doesNotContain("stream_options");
        assertThat(new String(sent(OpenAICompatible.mistral("m").apiKey("k")).body())).doesNotContain("stream_options");
    }

    @Test
    void azureClassicUsesTheDeploymentUrlApiVersionAndTheApiKeyHeader() {
        Function<String, String> env = Map.of("AZURE_OPENAI_API_KEY", "az-key")::get;
        TransportRequest request = sent(preset(OpenAIServer.azure("My-Resource", "gpt 4o", "2024-10-21"), "gpt 4o", env));
        assertThat(request.uri().toString()).isEqualTo(
                "https://my-resource.openai.azure.com/openai/deployments/gpt+4o/chat/completions?api-version=2024-10-21");
        assertThat(request.headers()).containsEntry("api-key", List.of("az-key")).doesNotContainKey("Authorization");
        assertThat(sent(preset(OpenAIServer.azure("My-Resource", "gpt 4o", "2024-10-21"), "gpt 4o", env).header("API-Key", "mine"))
                .headers()).as("the user's header replaces Azure's, whatever its case")
                .containsEntry("API-Key", List.of("mine")).doesNotContainKey("api-key");
        assertThatThrownBy(() -> preset(OpenAIServer.azure("r", "d", "v"), "d", name -> null).build())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("AZURE_OPENAI_API_KEY")
                .hasMessageContaining("azure");
    }

    @Test
    void azureUsesTheV1ApiWithTheDeploymentAsModel() {
        Function<String, String> env = Map.of("AZURE_OPENAI_API_KEY", "az-key")::get;
        TransportRequest request = sent(preset(OpenAIServer.azure("My-Resource"), "gpt-4o-prod", env));
        assertThat(request.uri().toString())
                .isEqualTo("https://my-resource.openai.azure.com/openai/v1/chat/completions");
        assertThat(request.headers()).containsEntry("Authorization", List.of("Bearer az-key"));
        assertThat(new String(request.body())).contains("\"model\":\"gpt-4o-prod\"")
                .contains("\"max_completion_tokens\":5");
        assertThat(sent(preset(OpenAIServer.azure("https://x.services.ai.azure.com/"), "d", env)).uri().toString())
                .isEqualTo("https://x.services.ai.azure.com/openai/v1/chat/completions");
    }

    @Test
    void publicFactoriesReturnConfiguredBuilders() {
        assertThat(OpenAICompatible.groq("llama-3.3-70b-versatile").apiKey("k").transport(new Capture()).build()
                .toString())
                .contains("https://api.groq.com/openai/v1/chat/completions").contains("llama-3.3-70b-versatile");
        assertThat(OpenAICompatible.lmStudio("qwen").transport(new Capture()).build().toString())
                .contains("http://localhost:1234/v1");
    }
}
