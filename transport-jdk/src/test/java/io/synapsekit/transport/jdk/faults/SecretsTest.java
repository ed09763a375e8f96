package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.gemini.GeminiLLM;
import io.synapsekit.llm.ollama.OllamaLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testlog.CapturedLogs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API key never shows: not in any client's, stream's or error's {@code toString()}, not in any exception
 * message, cause or stack-trace text, and not in any log record at any level (the test SLF4J binding records
 * everything, trace included), across failing calls of every kind, even when the server echoes the key back.
 */
class SecretsTest {

    private static final String KEY = "sk-never-shown-31415926";

    record Provider(String name, Function<String, LLM> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Provider> providers() {
        return Stream.of(
                new Provider("openai", url -> tuned(OpenAILLM.builder().model("m").baseUrl(url)).build()),
                new Provider("anthropic", url -> tuned(AnthropicLLM.builder().model("m").baseUrl(url)).build()),
                new Provider("gemini", url -> tuned(GeminiLLM.builder().model("m").baseUrl(url)).build()),
                new Provider("ollama", url -> tuned(OllamaLLM.builder().model("m").baseUrl(url)).build()));
    }

    private static <B extends HttpLLMBuilder<B>> B tuned(B b) {
        return b.apiKey(KEY).header("X-Gateway-Key", KEY).maxRetries(1)
                .retryDelays(Duration.ofMillis(1), Duration.ofMillis(5))
                .idleTimeout(Duration.ofMillis(200)).firstTokenTimeout(Duration.ofMillis(400));
    }

    /** Failing answers, most of them quoting the key back the way real providers and proxies do. */
    static List<FaultServer.Script> faults() {
        String echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"type\":\"invalid\"}}";
        return List.of(
                x -> x.headers(401, "application/json").write(echo),
                x -> x.headers(403, "application/json").write(echo),
                x -> x.headers(429, "application/json", "Retry-After: 0").write(echo),
                x -> x.headers(500, "text/plain").write("upstream said: Authorization: Bearer " + KEY),
                x -> x.headers(400, "application/json").write("{\"error\":\"bad key " + KEY + "\"}"),
                x -> x.headers(200, "text/event-stream").write("data: {\"error\":{\"message\":\"revoked\"}}\n\n"),
                x -> x.headers(200, "application/x-ndjson").write("{\"error\":\"revoked\"}\n"),
                x -> x.headers(200, "text/event-stream").write("data: {not json\n\n"),
                x -> x.headers(200, "text/event-stream").write(": waiting\n\n").awaitClientGone(Duration.ofSeconds(10)),
                x -> x.awaitClientGone(Duration.ofSeconds(10)),
                FaultServer.Exchange::reset);
    }

    /**
     * Errors reported inside a 200 stream (an SSE error chunk, an NDJSON error line) that quote the key. Known gap:
     * the key is redacted from HTTP error bodies ({@code HttpErrors}) but not from in-stream provider errors, which
     * are built by the stream context ({@code StreamContext.providerError}, {@code HttpEventStream}), outside this
     * suite's files. Enable once those redact {@code codec.secret()} too.
     */
    static List<FaultServer.Script> inStreamEchoes() {
        return List.of(
                x -> x.headers(200, "text/event-stream").write("data: {\"error\":{\"message\":\"key " + KEY
                        + " revoked\"}}\n\n"),
                x -> x.headers(200, "application/x-ndjson").write("{\"error\":\"key " + KEY + " revoked\"}\n"),
                x -> x.headers(200, "text/event-stream").write("data: {\"key\": \"" + KEY + "\" not json\n\n"));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void theKeyNeverAppearsEvenWhenAStreamErrorQuotesIt(Provider p) throws Exception {
        assertNoKey(p, inStreamEchoes());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void theKeyNeverAppearsInToStringsMessagesOrLogs(Provider p) throws Exception {
        assertNoKey(p, faults());
    }

    private static void assertNoKey(Provider p, List<FaultServer.Script> faults) throws Exception {
        List<String> seen = new ArrayList<>();
        for (FaultServer.Script fault : faults) {
            try (FaultServer server = new FaultServer(fault)) {
                LLM llm = p.build().apply(server.url() + "/v1");
                seen.add(llm.toString());
                try (LLMStream stream = llm.open("hi")) {
                    seen.add(stream.toString());
                    stream.forEachRemaining(t -> { });
                    fail("expected a failure");
                } catch (LLMException e) {
                    seen.add(everything(e));
                }
                try {
                    llm.generate("hi");
                } catch (LLMException e) {
                    seen.add(everything(e));
                }
                assertThat(server.requests()).as("the fault was played").isPositive();
            }
        }
        // a refused connection: nothing listens on the port any more
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try {
            p.build().apply("http://127.0.0.1:" + port + "/v1").generate("hi");
        } catch (LLMException e) {
            seen.add(everything(e));
        }
        CapturedLogs.all().forEach(entry -> seen.add(entry.level() + " " + entry.logger() + " " + entry.message()));

        assertThat(seen).hasSizeGreaterThanOrEqualTo(faults.size() * 4).allSatisfy(text -> assertThat(text).doesNotContain(KEY));
    }

    /** The message, toString and full stack-trace text of {@code e}, causes and suppressed included. */
    private static String everything(Throwable e) {
        StringWriter s = new StringWriter();
        e.printStackTrace(new PrintWriter(s));
        return e + "\n" + s;
    }
}
