package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.gemini.GeminiLLM;
import io.synapsekit.llm.ollama.OllamaLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CR, LF and other control characters in anything that ends up in a request line or header (API key, model,
 * extra header names and values, base URL, OpenAI's organization and project) are refused with an
 * {@link IllegalArgumentException} before any request is sent, for every provider; the message never quotes a
 * key or header value, which may be secret.
 */
class HeaderInjectionTest {

    private static final String SECRET = "sk-inject-secret-0042";
    private static final List<String> HOSTILE = List.of("\r\nX-Evil: 1", "\n", "\r", "\0", "\u007f", "\u001b[2J",
            "\u0085");

    private FaultServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FaultServer(x -> x.headers(500, "application/json").write("{}"));
    }

    @AfterEach
    void stop() throws Exception {
        assertThat(server.requests()).as("no request reached the server").isZero();
        server.close();
    }

    record Provider(String name, Supplier<HttpLLMBuilder<?>> builder, Function<HttpLLMBuilder<?>, LLM> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Provider> providers() {
        return Stream.of(
                new Provider("openai", () -> OpenAILLM.builder().model("m"), b -> ((OpenAILLM.Builder) b).build()),
                new Provider("anthropic", () -> AnthropicLLM.builder().model("m"),
                        b -> ((AnthropicLLM.Builder) b).build()),
                new Provider("gemini", () -> GeminiLLM.builder().model("m"), b -> ((GeminiLLM.Builder) b).build()),
                new Provider("ollama", () -> OllamaLLM.builder().model("m"), b -> ((OllamaLLM.Builder) b).build()));
    }

    /** Configures a builder of {@code p} pointed at the server with a good key, then applies {@code hostile}. */
    private void assertRefused(Provider p, java.util.function.Consumer<HttpLLMBuilder<?>> hostile) {
        HttpLLMBuilder<?> b = p.builder().get().baseUrl(server.url() + "/v1").apiKey(SECRET).maxRetries(0);
        assertThatThrownBy(() -> {
            hostile.accept(b);
            p.build().apply(b).generate("hi");
        }).isInstanceOf(IllegalArgumentException.class).satisfies(e -> assertThat(e.getMessage())
                .doesNotContain(SECRET).doesNotContain("X-Evil").doesNotContain("\r").doesNotContain("\n"));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void controlCharactersInTheApiKeyAreRefused(Provider p) {
        for (String h : HOSTILE) {
            assertRefused(p, b -> b.apiKey(SECRET + h + "tail"));
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void controlCharactersInTheModelAreRefused(Provider p) {
        for (String h : HOSTILE) {
            assertRefused(p, b -> b.model("gpt" + h));
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void controlCharactersInExtraHeaderValuesAreRefused(Provider p) {
        for (String h : HOSTILE) {
            if (h.equals("\u0085")) {
                continue; // NEL is not a control character in HTTP; the JDK refuses non-ASCII values itself
            }
            assertRefused(p, b -> b.header("X-Gateway-Token", SECRET + h));
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void headerNamesMustBeTokens(Provider p) {
        for (String name : List.of("X-A\r\nX-Evil", "X-A\n", "X A", "X:A", "X-A\0", "Ünicode", "(x)")) {
            assertRefused(p, b -> b.header(name, "v"));
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void controlCharactersOrCredentialsInTheBaseUrlAreRefused(Provider p) {
        for (String h : HOSTILE) {
            assertRefused(p, b -> b.baseUrl(server.url() + "/v1" + h + "x"));
        }
        assertRefused(p, b -> b.baseUrl(server.url() + "\r\nHost: evil/v1"));
        String withPassword = server.url().replace("http://", "http://user:" + SECRET + "@") + "/v1";
        assertRefused(p, b -> b.baseUrl(withPassword));
    }

    @Test
    void openAIsOrganizationAndProjectAreRefusedToo() {
        Provider openai = providers().findFirst().orElseThrow();
        for (String h : HOSTILE) {
            assertRefused(openai, b -> ((OpenAILLM.Builder) b).organization("org" + h));
            assertRefused(openai, b -> ((OpenAILLM.Builder) b).project("proj" + h));
        }
    }

    @Test
    void aPerRequestModelThatWouldSplitGeminisUrlIsRefusedBeforeSending() {
        LLM gemini = GeminiLLM.builder().model("m").baseUrl(server.url() + "/v1beta").apiKey(SECRET).maxRetries(0)
                .build();
        assertThatThrownBy(() -> gemini.generate("hi", GenerateOptions.builder().model("m\r\nX-Evil: 1").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOrdinaryConfigurationStillReachesTheServer() throws Exception {
        // the control case: the same builders, with clean values, do send
        LLM llm = OpenAILLM.builder().model("gpt 4o").baseUrl(server.url() + "/v1").apiKey(SECRET)
                .header("X-Trace-Id", "a\tb").maxRetries(0).build();
        assertThatThrownBy(() -> llm.generate("hi")).isInstanceOf(io.synapsekit.llm.ServerException.class);
        assertThat(server.requests()).isEqualTo(1);
        server.close();
        server = new FaultServer(x -> { }); // a fresh one, so stop() can check its count
    }
}
