package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.ollama.OllamaLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Provider JSON with wrong types, missing fields, huge numbers and deep nesting, between two good tokens: the
 * stream either carries on past the bad chunk or ends in a typed error that keeps the text before it. Never a
 * raw {@code NullPointerException}, {@code ClassCastException} or {@code StackOverflowError}, never a count
 * silently wrapped to a wrong value, never a hang.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileJsonTest {

    static final String DEEP = "[".repeat(5_000) + "]".repeat(5_000);
    static final String LONG_NUMBER = "9".repeat(5_000);

    static Stream<String> openAIChunks() {
        return Stream.of("{}", "[]", "null", "42", "\"text\"", "true",
                "{\"choices\":\"nope\"}", "{\"choices\":[null]}", "{\"choices\":[42]}", "{\"choices\":[[]]}",
                "{\"choices\":[{\"index\":\"zero\",\"delta\":null}]}",
                "{\"choices\":[{\"delta\":\"x\"}]}",
                "{\"choices\":[{\"delta\":{\"content\":42}}]}",
                "{\"choices\":[{\"delta\":{\"content\":{\"a\":1}}}]}",
                "{\"choices\":[{\"delta\":{\"content\":[\"a\"]}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":\"x\"}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[null,{\"index\":-1,\"function\":{\"arguments\":5}}]}}]}",
                "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":99999999999999999999}]}}]}",
                "{\"choices\":[{\"finish_reason\":{\"a\":1},\"delta\":{}}]}",
                "{\"usage\":\"lots\"}",
                "{\"usage\":{\"prompt_tokens\":\"9\",\"completion_tokens\":null}}",
                "{\"usage\":{\"prompt_tokens\":1e400,\"completion_tokens\":99999999999999999999}}",
                "{\"usage\":{\"prompt_tokens\":" + LONG_NUMBER + "}}",
                "{\"choices\":[{\"delta\":{\"content\":\"x\"},\"logprobs\":" + DEEP + "}]}",
                "{\"error\":42}", "{\"error\":[]}", "{\"error\":{\"message\":{\"deep\":" + DEEP + "}}}",
                "{\"choices\":[{\"delta\":{\"content\":\"\\ud800\"}}]}",
                "{\"a\":\"" + "x".repeat(200_000) + "\"}");
    }

    @ParameterizedTest
    @MethodSource("openAIChunks")
    void openAIChunksOfTheWrongShape(String hostile) throws Exception {
        String body = OpenAIWire.role() + OpenAIWire.token("ok ") + OpenAIWire.chunk(hostile) + OpenAIWire.token("end") + OpenAIWire.finish()
                + "data: [DONE]\n\n";
        try (FaultServer server = new FaultServer(x -> x.headers(200, "text/event-stream").write(body))) {
            LLM llm = OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(FaultsTest.KEY).model("m").build();
            check(llm, hostile, "openai: ");
        }
    }

    static Stream<String> ollamaLines() {
        return Stream.of("{}", "[]", "null", "42", "\"text\"", "{\"message\":\"x\"}", "{\"message\":null}",
                "{\"message\":{\"content\":42}}", "{\"message\":{\"content\":{\"a\":1}}}",
                "{\"message\":{\"tool_calls\":\"x\"}}", "{\"message\":{\"tool_calls\":[null,42]}}",
                "{\"message\":{\"tool_calls\":[{\"function\":{\"name\":5,\"arguments\":\"{\"}}]}}",
                "{\"done\":\"yes\"}", "{\"done\":false,\"eval_count\":99999999999999999999}",
                "{\"done\":false,\"eval_count\":" + LONG_NUMBER + "}",
                "{\"message\":{\"content\":\"x\",\"images\":" + DEEP + "}}", "{\"error\":42}",
                "{\"error\":{\"message\":\"boom\"}}", "{not json");
    }

    @ParameterizedTest
    @MethodSource("ollamaLines")
    void ollamaLinesOfTheWrongShape(String hostile) throws Exception {
        String body = "{\"message\":{\"role\":\"assistant\",\"content\":\"ok \"},\"done\":false}\n" + hostile + "\n"
                + "{\"message\":{\"role\":\"assistant\",\"content\":\"end\"},\"done\":false}\n"
                + "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                + "\"prompt_eval_count\":3,\"eval_count\":2}\n";
        try (FaultServer server = new FaultServer(x -> x.headers(200, "application/x-ndjson").write(body))) {
            LLM llm = OllamaLLM.builder().baseUrl(server.url()).model("m").build();
            check(llm, hostile, "ollama: ");
        }
    }

    /** The stream carried on (the text is "ok end", maybe with the bad chunk's text), or failed typed after "ok ". */
    private static void check(LLM llm, String hostile, String prefix) {
        String shown = hostile.length() > 80 ? hostile.substring(0, 80) + "…" : hostile;
        List<String> tokens = new ArrayList<>();
        try (LLMStream stream = llm.open("hi")) {
            stream.forEachRemaining(tokens::add);
            assertThat(stream.text()).as(shown).startsWith("ok ").endsWith("end");
            stream.usage().ifPresent(u -> {
                // a count beyond int is not reported, never wrapped to a wrong (often negative) value
                assertThat(u.promptTokens() == null || u.promptTokens() >= 0).as(shown).isTrue();
                assertThat(u.completionTokens() == null || u.completionTokens() >= 0).as(shown).isTrue();
            });
        } catch (LLMException e) {
            assertThat(e).as(shown).isInstanceOfAny(MalformedChunkException.class, ProviderErrorException.class,
                    TruncatedStreamException.class);
            assertThat(e.getMessage()).as(shown).startsWith(prefix).hasSizeLessThan(1_000);
            assertThat(e.partialText()).as(shown).isEqualTo("ok ");
        }
    }

    @Test
    void aDeeplyNestedChunkFailsAsMalformedNamingTheLimit() throws Exception {
        String body = OpenAIWire.role() + OpenAIWire.token("ok ") + OpenAIWire.chunk("{\"choices\":" + DEEP + "}");
        try (FaultServer server = new FaultServer(x -> x.headers(200, "text/event-stream").write(body))) {
            LLM llm = OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(FaultsTest.KEY).model("m")
                    .idleTimeout(Duration.ofSeconds(5)).build();
            try (LLMStream stream = llm.open("hi")) {
                stream.forEachRemaining(t -> { });
                throw new AssertionError("expected a malformed chunk");
            } catch (MalformedChunkException e) {
                assertThat(e.partialText()).isEqualTo("ok ");
                assertThat(e.getCause()).hasMessageContaining("nesting depth");
            }
        }
    }

    @Test
    void usageBeyondIntIsNotReportedRatherThanWrapped() throws Exception {
        String body = OpenAIWire.role() + OpenAIWire.token("ok") + OpenAIWire.finish() + OpenAIWire.chunk("{\"choices\":[],\"usage\":"
                + "{\"prompt_tokens\":4294967297,\"completion_tokens\":7}}") + "data: [DONE]\n\n";
        try (FaultServer server = new FaultServer(x -> x.headers(200, "text/event-stream").write(body))) {
            LLM llm = OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(FaultsTest.KEY).model("m").build();
            try (Stream<LLMEvent> events = llm.events("hi")) {
                assertThat(events.filter(e -> e instanceof LLMEvent.Usage)).singleElement()
                        .isEqualTo(new LLMEvent.Usage(null, 7));
            }
        }
    }
}
