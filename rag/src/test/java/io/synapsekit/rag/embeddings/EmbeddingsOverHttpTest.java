package io.synapsekit.rag.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.internal.OpenAIServer;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.InvalidRequestException;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OpenAI and Ollama embeddings clients against servers on loopback: batching, order, and typed errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddingsOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-embed-secret-456";

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAIEmbeddings openai(int batchSize) {
        return OpenAIEmbeddings.builder().apiKey(KEY).baseUrl(server.url("/v1").toString()).batchSize(batchSize)
                .build();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body).build();
    }

    /** OpenAI's documented response, items in reverse order to prove the client sorts by index. */
    private static String openAiResponse(List<String> inputs) {
        StringBuilder s = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = inputs.size() - 1; i >= 0; i--) {
            s.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[")
                    .append(inputs.get(i).length()).append(",1.5]}");
            s.append(i > 0 ? "," : "");
        }
        return s.append("],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}")
                .toString();
    }

    private JsonNode take() throws Exception {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        return JSON.readTree(r.getBody().utf8());
    }

    @Test
    void openAiSendsBatchesAndReturnsVectorsInInputOrder() throws Exception {
        List<String> texts = IntStream.range(0, 250).mapToObj(i -> "x".repeat(i + 1)).toList();
        server.enqueue(json(openAiResponse(texts.subList(0, 100))));
        server.enqueue(json(openAiResponse(texts.subList(100, 200))));
        server.enqueue(json(openAiResponse(texts.subList(200, 250))));

        List<float[]> vectors = openai(100).embed(texts);

        assertThat(vectors).hasSize(250);
        for (int i = 0; i < 250; i++) {
            // the fake server puts each text's length first: the right vector landed at the right place
            assertThat(vectors.get(i)[0]).isEqualTo((float) texts.get(i).length());
        }
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
            assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/embeddings");
            assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
            JsonNode body = JSON.readTree(r.getBody().utf8());
            assertThat(body.get("model").asText()).isEqualTo("text-embedding-3-small");
            sizes.add(body.get("input").size());
        }
        assertThat(sizes).containsExactly(100, 100, 50);
    }

    @Test
    void openAiErrorsAreTypedAndNeverShowTheKey() {
        OpenAIEmbeddings openai = OpenAIEmbeddings.builder().apiKey(KEY).baseUrl(server.url("/v1").toString())
                .maxRetries(0).build();
        server.enqueue(new MockResponse.Builder().code(401)
                .body("{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"type\":\"invalid_request_error\"}}")
                .build());
        assertThatThrownBy(() -> openai.embed(List.of("a")))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("openai: HTTP 401").hasMessageContaining("Incorrect API key")
                .hasMessageNotContaining(KEY);

        server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7")
                .body("{\"error\":{\"message\":\"Rate limit reached\"}}").build());
        assertThatThrownBy(() -> openai.embed(List.of("a")))
                .isInstanceOfSatisfying(RateLimitException.class,
                        e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));

        server.enqueue(new MockResponse.Builder().code(503).body("upstream down").build());
        assertThatThrownBy(() -> openai.embed(List.of("a"))).isInstanceOf(ServerException.class)
                .hasMessageContaining("upstream down");

        server.enqueue(new MockResponse.Builder().code(404).body("{\"error\":{\"message\":\"no such model\"}}").build());
        assertThatThrownBy(() -> openai(10).embed(List.of("a"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("check the model \"text-embedding-3-small\" and the URL");

        server.enqueue(json("{\"data\":[{\"index\":0,\"embedding\":\"oops\"}]}"));
        assertThatThrownBy(() -> openai(10).embed(List.of("a"))).isInstanceOf(MalformedChunkException.class)
                .hasMessageContaining("data[0].embedding");

        server.enqueue(json("{\"data\":[]}"));
        assertThatThrownBy(() -> openai(10).embed(List.of("a"))).isInstanceOf(MalformedChunkException.class)
                .hasMessageContaining("expected 1 embeddings");

        server.enqueue(json("not json"));
        assertThatThrownBy(() -> openai(10).embed(List.of("a"))).isInstanceOf(MalformedChunkException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void openAiNeedsAKeyAndValidatesSettings() {
        assertThatThrownBy(() -> new OpenAIEmbeddings.Builder(name -> null, OpenAIServer.OPENAI).build())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("OPENAI_API_KEY");
        assertThatThrownBy(() -> OpenAIEmbeddings.builder().apiKey(KEY).batchSize(0).build())
                .hasMessageContaining("batchSize must be between 1 and 2048: 0");
        assertThat(openai(5).toString()).doesNotContain(KEY);
        assertThatThrownBy(() -> openai(5).embed(java.util.Arrays.asList("a", null)))
                .hasMessageContaining("text 1 to embed is null");
    }

    @Test
    void aStalledBodyTimesOutInsteadOfHanging() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"data\":[" + "            ".repeat(1000) + "]}")
                .onResponseBody(SocketEffect.Stall.INSTANCE).build());
        OpenAIEmbeddings slow = OpenAIEmbeddings.builder().apiKey(KEY).baseUrl(server.url("/v1").toString())
                .totalTimeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> slow.embed(List.of("a"))).isInstanceOf(LLMTimeoutException.class);
    }

    @Test
    void aRefusedConnectionIsAConnectionError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        OpenAIEmbeddings nowhere = OpenAIEmbeddings.builder().apiKey(KEY).baseUrl("http://127.0.0.1:" + port + "/v1")
                .build();
        assertThatThrownBy(() -> nowhere.embed(List.of("a"))).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("cannot reach");
    }

    @Test
    void ollamaSendsBatchesToApiEmbedAndNamesTheModelToPullOn404() throws Exception {
        OllamaEmbeddings ollama = OllamaEmbeddings.builder().baseUrl(server.url("/").toString()).batchSize(2)
                .model("all-minilm").build();
        server.enqueue(json("{\"model\":\"all-minilm\",\"embeddings\":[[1,0],[0,1]]}"));
        server.enqueue(json("{\"model\":\"all-minilm\",\"embeddings\":[[0.5,0.5]]}"));

        List<float[]> vectors = ollama.embed(List.of("a", "b", "c"));

        assertThat(vectors).extracting(v -> v[0]).containsExactly(1f, 0f, 0.5f);
        JsonNode first = take();
        assertThat(first.get("model").asText()).isEqualTo("all-minilm");
        assertThat(first.get("input")).hasSize(2);
        assertThat(take().get("input")).hasSize(1);

        server.enqueue(new MockResponse.Builder().code(404)
                .body("{\"error\":\"model \\\"all-minilm\\\" not found, try pulling it first\"}").build());
        assertThatThrownBy(() -> ollama.embed(List.of("a"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("ollama pull all-minilm");
    }

    @Test
    void ollamaHostVariableIsHonouredAsTheChatClientHonoursIt() {
        assertThat(new OllamaEmbeddings.Builder(name -> null).build().toString())
                .contains("http://localhost:11434/api/embed");
        assertThat(new OllamaEmbeddings.Builder(name -> name.equals("OLLAMA_HOST") ? "other:1234" : null).build()
                .toString()).contains("http://other:1234/api/embed");
        assertThat(new OllamaEmbeddings.Builder(name -> name.equals("OLLAMA_HOST") ? "0.0.0.0" : null).build()
                .toString()).as("the bind-all address means this machine, as for OllamaLLM")
                .contains("http://127.0.0.1:11434/api/embed");
        assertThat(new OllamaEmbeddings.Builder(name -> "other:1234").baseUrl("http://set:1").build().toString())
                .contains("http://set:1/api/embed");
    }

    // --- the chat clients' HTTP path: retries, headers, presets ---

    @Test
    void aServerErrorBeforeTheResponseIsRetriedAsForChat() throws Exception {
        server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
        server.enqueue(json(openAiResponse(List.of("abc"))));
        OpenAIEmbeddings openai = OpenAIEmbeddings.builder().apiKey(KEY).baseUrl(server.url("/v1").toString())
                .retryDelays(Duration.ofMillis(1), Duration.ofMillis(10)).build();

        assertThat(openai.embed(List.of("abc"))).hasSize(1);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aUsersHeaderReplacesTheDefaultOfTheSameNameInAnyCase() throws Exception {
        server.enqueue(json(openAiResponse(List.of("a"))));
        OpenAIEmbeddings openai = OpenAIEmbeddings.builder().apiKey(KEY).baseUrl(server.url("/v1").toString())
                .header("authorization", "Bearer the-users").header("user-agent", "my-app/2").build();
        openai.embed(List.of("a"));
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getHeaders().values("Authorization")).containsExactly("Bearer the-users");
        assertThat(r.getHeaders().values("User-Agent")).containsExactly("my-app/2");

        server.enqueue(json("{\"embeddings\":[[1]]}"));
        OllamaEmbeddings ollama = OllamaEmbeddings.builder().baseUrl(server.url("/").toString()).apiKey(KEY)
                .header("AUTHORIZATION", "Bearer the-users").build();
        ollama.embed(List.of("a"));
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().values("Authorization"))
                .containsExactly("Bearer the-users");
    }

    @Test
    void headersAreCheckedAsForChat() {
        assertThatThrownBy(() -> OpenAIEmbeddings.builder().header("X-A\r\nX-Evil", "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OllamaEmbeddings.builder().header("X-Token", KEY + "\r\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(KEY);
    }

    @Test
    void azureClassicSendsItsApiKeyHeaderToTheDeployment() throws Exception {
        server.enqueue(json(openAiResponse(List.of("a"))));
        OpenAIEmbeddings azure = OpenAIEmbeddings.azure(server.url("/").toString(), "embed-prod", "2024-10-21")
                .apiKey(KEY).build();
        azure.embed(List.of("a"));

        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getUrl().encodedPath()).isEqualTo("/openai/deployments/embed-prod/embeddings");
        assertThat(r.getUrl().queryParameter("api-version")).isEqualTo("2024-10-21");
        assertThat(r.getHeaders().values("api-key")).containsExactly(KEY);
        assertThat(r.getHeaders().values("Authorization")).isEmpty();
    }

    @Test
    void aPresetSendsItsOwnKeyToItsOwnServerAndNamesItselfInErrors() throws Exception {
        Map<String, String> env = Map.of("MISTRAL_API_KEY", "mk-1", "TOGETHER_API_KEY", "tk-1", "OPENAI_API_KEY",
                "sk-openai");
        assertThat(new OpenAIEmbeddings.Builder(env::get, OpenAIServer.MISTRAL).model("mistral-embed").build()
                .toString()).contains("https://api.mistral.ai/v1/embeddings");
        assertThat(OpenAIEmbeddings.together("m").apiKey("k").build().toString())
                .contains("https://api.together.xyz/v1/embeddings");
        assertThatThrownBy(() -> new OpenAIEmbeddings.Builder(name -> null, OpenAIServer.MISTRAL).model("m").build())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("MISTRAL_API_KEY");

        server.enqueue(json(openAiResponse(List.of("a"))));
        server.enqueue(new MockResponse.Builder().code(401).body("{\"message\":\"Unauthorized\"}").build());
        OpenAIEmbeddings mistral = new OpenAIEmbeddings.Builder(env::get, OpenAIServer.MISTRAL).model("mistral-embed")
                .baseUrl(server.url("/v1").toString()).build();
        mistral.embed(List.of("a"));
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getHeaders().values("Authorization")).as("Mistral's key, never OpenAI's")
                .containsExactly("Bearer mk-1");
        assertThatThrownBy(() -> mistral.embed(List.of("a"))).isInstanceOf(AuthenticationException.class)
                .hasMessageStartingWith("mistral: HTTP 401");
    }
}
