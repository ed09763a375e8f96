package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.examples.web.ResumableStreams;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import io.synapsekit.stream.CloseableIterator;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two web demo instances started with {@code --redis} on one real Redis: the chat answer begun on one is resumed
 * by the {@code /chat/} page's {@code GET /api/chat/{id}/stream} on the other, from its start, with one model call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebDemoRedisChatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theChatBegunOnOneInstanceResumesOnTheOther() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (LocalRedis redis = LocalRedis.start();
                OfflineModelServer model = OfflineModelServer.start(Duration.ofMillis(20))) {
            LLM llm = OpenAILLM.builder().baseUrl(model.baseUrl()).apiKey("offline-demo")
                    .model(OfflineModelServer.MODEL).build();
            String[] args = {"--redis", redis.uri().toString()};
            try (ResumableStreams streamsA = ResumableStreams.from(args);
                    ResumableStreams streamsB = ResumableStreams.from(args);
                    WebDemo a = WebDemo.start("127.0.0.1", 0, WebDemo.answers(llm), streamsA.response(),
                            WebDemo.apis(llm, streamsA));
                    WebDemo b = WebDemo.start("127.0.0.1", 0, WebDemo.answers(llm), streamsB.response(),
                            WebDemo.apis(llm, streamsB))) {
                String body = "{\"id\":\"chat-demo\",\"trigger\":\"submit-message\",\"messages\":[{\"id\":\"m1\","
                        + "\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"What is RAG?\"}]}]}";
                HttpResponse<InputStream> posted = client.send(HttpRequest.newBuilder(a.uri("/api/chat"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(posted.statusCode()).isEqualTo(200);
                String messageId;
                try (CloseableIterator<SseEvent> onA = SseParser.events(posted.body())) {
                    messageId = JSON.readTree(onA.next().data()).get("messageId").asText();
                } // the page reloads onto the other instance

                HttpResponse<InputStream> resumed = client.send(HttpRequest.newBuilder(
                        b.uri("/api/chat/chat-demo/stream")).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(resumed.statusCode()).isEqualTo(200);
                List<String> types = new ArrayList<>();
                JsonNode first = null;
                try (CloseableIterator<SseEvent> onB = SseParser.events(resumed.body())) {
                    while (onB.hasNext()) {
                        String data = onB.next().data();
                        if (!data.equals("[DONE]")) {
                            JsonNode chunk = JSON.readTree(data);
                            first = first == null ? chunk : first;
                            types.add(chunk.get("type").asText());
                        }
                    }
                }
                assertThat(first).isNotNull();
                assertThat(first.get("type").asText()).isEqualTo("start");
                assertThat(first.get("messageId").asText()).isEqualTo(messageId);
                assertThat(types).containsOnlyOnce("start").contains("source-document", "text-delta")
                        .endsWith("finish");
                assertThat(model.requestCount()).as("one model call").isOne();
            }
        }
    }
}
