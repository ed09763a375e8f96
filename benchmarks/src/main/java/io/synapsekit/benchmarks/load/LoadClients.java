package io.synapsekit.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The clients the harness compares, each streaming one answer from the mock server per call. */
final class LoadClients {

    private LoadClients() {
    }

    /** Told of each token as it arrives (the bytes-only reader reports only its first byte, as token 0). */
    interface Tokens {
        void token();
    }

    interface Client {
        /** Streams the answer to {@code prompt} from {@code baseUrl}; returns the number of tokens read. */
        int stream(String baseUrl, String prompt, Tokens tokens) throws Exception;
    }

    static final Duration LONG = Duration.ofSeconds(300);

    static Client of(String name) {
        return switch (name) {
            case "synapsekit" -> new SynapseKit();
            case "raw" -> new Raw();
            case "bytes" -> new BytesOnly();
            case "langchain4j" -> new LangChain4j();
            default -> throw new IllegalArgumentException("unknown client " + name);
        };
    }

    /** Our library, as a user builds it; one {@link OpenAILLM} per base URL, all on the shared transport. */
    static final class SynapseKit implements Client {
        private final Map<String, OpenAILLM> llms = new ConcurrentHashMap<>();

        @Override
        public int stream(String baseUrl, String prompt, Tokens tokens) {
            OpenAILLM llm = llms.computeIfAbsent(baseUrl, u -> OpenAILLM.builder().baseUrl(u).apiKey("sk-bench")
                    .model("gpt-4o-mini").maxRetries(0).connectTimeout(LONG).firstTokenTimeout(LONG)
                    .idleTimeout(LONG).build());
            int n = 0;
            try (LLMStream answer = llm.open(prompt)) {
                while (answer.hasNext()) {
                    answer.next();
                    tokens.token();
                    n++;
                }
            }
            return n;
        }
    }

    /** One mapper for every request, as anyone writing this by hand would keep it. */
    private static final ObjectMapper BODY_MAPPER = new ObjectMapper();

    /**
     * The raw and bytes-only clients' request body. The prompt is escaped by a shared mapper: until 2026-12-07 a
     * new {@code ObjectMapper} was built per request here, a cost in the baselines that a hand-written client
     * would not pay, which flattered our per-request ratios.
     */
    static String requestBody(String prompt) {
        try {
            return "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                    + BODY_MAPPER.writeValueAsString(prompt) + "}]}";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest request(String baseUrl, String prompt) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .header("Authorization", "Bearer sk-bench")
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(requestBody(prompt)))
                .build();
    }

    /** What one writes by hand: HttpClient, an InputStream body, readLine, readTree. */
    static final class Raw implements Client {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(LONG).build();
        private final ObjectMapper mapper = new ObjectMapper();

        @Override
        public int stream(String baseUrl, String prompt, Tokens tokens) throws Exception {
            HttpResponse<InputStream> response = http.send(request(baseUrl, prompt),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IllegalStateException("status " + response.statusCode());
            }
            int n = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.startsWith("data: ")) {
                        continue;
                    }
                    String data = line.substring(6);
                    if (data.equals("[DONE]")) {
                        return n;
                    }
                    JsonNode content = mapper.readTree(data).path("choices").path(0).path("delta").path("content");
                    if (content.isTextual() && !content.asText().isEmpty()) {
                        tokens.token();
                        n++;
                    }
                }
            }
            throw new IllegalStateException("no [DONE]");
        }
    }

    /** Reads the same body and parses nothing: the ceiling for any client on the JDK's HttpClient. */
    static final class BytesOnly implements Client {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(LONG).build();

        @Override
        public int stream(String baseUrl, String prompt, Tokens tokens) throws Exception {
            HttpResponse<InputStream> response = http.send(request(baseUrl, prompt),
                    HttpResponse.BodyHandlers.ofInputStream());
            long bytes = 0;
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = response.body()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (bytes == 0 && n > 0) {
                        tokens.token();
                    }
                    bytes += n;
                }
            }
            if (response.statusCode() != 200 || bytes == 0) {
                throw new IllegalStateException("status " + response.statusCode() + ", " + bytes + " bytes");
            }
            return -1; // parses nothing: the caller takes the expected count
        }
    }

    /** LangChain4j's OpenAI streaming model over its JDK HttpClient, HTTP/1.1 like the others. */
    static final class LangChain4j implements Client {
        private final Map<String, OpenAiStreamingChatModel> models = new ConcurrentHashMap<>();

        @Override
        public int stream(String baseUrl, String prompt, Tokens tokens) throws Exception {
            OpenAiStreamingChatModel model = models.computeIfAbsent(baseUrl, u -> OpenAiStreamingChatModel.builder()
                    .baseUrl(u).apiKey("sk-bench").modelName("gpt-4o-mini").timeout(LONG)
                    .httpClientBuilder(JdkHttpClient.builder().httpClientBuilder(
                            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                    .build());
            CompletableFuture<Integer> done = new CompletableFuture<>();
            int[] n = {0};
            model.chat(prompt, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                    tokens.token();
                    n[0]++;
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(n[0]);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            return done.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
