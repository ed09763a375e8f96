package io.synapsekit.opentelemetry;

import static io.synapsekit.opentelemetry.GenAiAttributes.ERROR_TYPE;
import static io.synapsekit.opentelemetry.GenAiAttributes.TOKEN_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synapsekit.llm.ServerException;
import io.synapsekit.rag.embeddings.OllamaEmbeddings;
import io.synapsekit.rag.embeddings.OpenAIEmbeddings;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embeddings requests as OpenTelemetry sees them: an {@code embeddings {model}} client span and the duration and
 * token metrics per request, from the servers' documented answers on a loopback mock server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddingsTelemetryTest {

    private final MockWebServer server = new MockWebServer();
    private final Telemetry telemetry = new Telemetry();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        telemetry.close();
    }

    private String baseUrl() {
        return server.url("/").toString().replaceAll("/$", "");
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
    }

    @Test
    void eachOpenAiBatchIsAnEmbeddingsSpanWithItsInputTokens() {
        server.enqueue(json("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292]},
                {"object":"embedding","index":1,"embedding":[0.5,0.25]}],"model":"text-embedding-3-small",
                "usage":{"prompt_tokens":8,"total_tokens":8}}"""));
        server.enqueue(json("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.125,0.75]}],
                "model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}"""));
        OpenAIEmbeddings embeddings = OpenAIEmbeddings.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-test")
                .model("text-embedding-3-small").batchSize(2).listener(telemetry.listener).build();

        assertThat(embeddings.embed(List.of("a", "b", "c"))).hasSize(3);

        List<SpanData> spans = telemetry.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("embeddings text-embedding-3-small")).toList();
        assertThat(spans).as("one per request").hasSize(2);
        SpanData first = spans.get(0);
        assertThat(first.getKind()).isEqualTo(SpanKind.CLIENT);
        Attributes a = first.getAttributes();
        assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("embeddings");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("text-embedding-3-small");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("text-embedding-3-small");
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(8L);
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isNull();
        assertThat(a.get(AttributeKey.longKey("server.port"))).isEqualTo((long) server.getPort());
        assertThat(spans.get(1).getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(3L);

        assertThat(telemetry.histogram("gen_ai.client.operation.duration")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(2));
        assertThat(telemetry.point("gen_ai.client.token.usage", TOKEN_TYPE, "input"))
                .hasValueSatisfying(p -> assertThat(p.getSum()).isEqualTo(11));
        assertThat(telemetry.point("gen_ai.client.token.usage", TOKEN_TYPE, "output")).isEmpty();
        assertThat(telemetry.histogram("gen_ai.client.operation.time_to_first_chunk")).as("nothing streams").isEmpty();
    }

    @Test
    void anOllamaRequestCountsItsPromptEvalTokens() {
        server.enqueue(json("""
                {"model":"all-minilm","embeddings":[[0.010071029,-0.0017594862,0.05007221]],
                "total_duration":14143917,"load_duration":1019500,"prompt_eval_count":8}"""));
        OllamaEmbeddings embeddings = OllamaEmbeddings.builder().baseUrl(baseUrl()).model("all-minilm")
                .listener(telemetry.listener).build();

        assertThat(embeddings.embed("Why is the sky blue?")).hasSize(3);

        Attributes a = telemetry.span("embeddings all-minilm").getAttributes();
        assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("ollama");
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(8L);
    }

    @Test
    void aFailedRequestEndsItsSpanWithTheErrorType() {
        server.enqueue(new MockResponse.Builder().code(500).setHeader("Content-Type", "application/json")
                .body("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}").build());
        OpenAIEmbeddings embeddings = OpenAIEmbeddings.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-test")
                .model("text-embedding-3-small").maxRetries(0).listener(telemetry.listener).build();

        assertThatThrownBy(() -> embeddings.embed("a")).isInstanceOf(ServerException.class);

        SpanData span = telemetry.span("embeddings text-embedding-3-small");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(ServerException.class.getName());
        assertThat(telemetry.histogram("gen_ai.client.operation.duration")).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(ERROR_TYPE))
                        .isEqualTo(ServerException.class.getName()));
    }

    @Test
    void anAnswerWithoutItsVectorsEndsItsSpanAsFailed() {
        server.enqueue(json("{\"object\":\"list\",\"data\":[],\"model\":\"text-embedding-3-small\"}"));
        OpenAIEmbeddings embeddings = OpenAIEmbeddings.builder().baseUrl(baseUrl() + "/v1").apiKey("sk-test")
                .model("text-embedding-3-small").listener(telemetry.listener).build();

        assertThatThrownBy(() -> embeddings.embed("a")).isInstanceOf(io.synapsekit.llm.MalformedChunkException.class);

        assertThat(telemetry.span("embeddings text-embedding-3-small").getAttributes().get(ERROR_TYPE))
                .isEqualTo(io.synapsekit.llm.MalformedChunkException.class.getName());
    }
}
