package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The web demo's POST /api/agui: the RAG-backed graph over the offline model, as AG-UI events. */
class AgUiDemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAgUiRunRetrievesThenStreamsTheAnswerWithStepsAndDeltas() throws Exception {
        try (OfflineModelServer model = OfflineModelServer.start(Duration.ZERO)) {
            LLM llm = OpenAILLM.builder().baseUrl(model.baseUrl()).apiKey("offline-demo")
                    .model(OfflineModelServer.MODEL).build();
            try (WebDemo web = WebDemo.start("127.0.0.1", 0, WebDemo.answers(llm), WebDemo.apis(llm))) {
                HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        web.uri("/api/agui")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"threadId":"t","runId":"r","state":{},"tools":[],"context":[],"forwardedProps":{},
                                 "messages":[{"id":"u","role":"user","content":"What is AG-UI?"}]}""")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());

                assertThat(response.statusCode()).isEqualTo(200);
                List<JsonNode> events = new ArrayList<>();
                try (var it = SseParser.events(response.body())) {
                    while (it.hasNext()) {
                        SseEvent e = it.next();
                        events.add(JSON.readTree(e.data()));
                    }
                }
                List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
                assertThat(types).startsWith("RUN_STARTED", "STATE_SNAPSHOT", "STEP_STARTED", "STATE_DELTA",
                        "STEP_FINISHED", "STEP_STARTED", "TEXT_MESSAGE_START")
                        .endsWith("TEXT_MESSAGE_END", "STATE_DELTA", "STEP_FINISHED", "RUN_FINISHED");
                assertThat(events.get(3).get("delta").toString()).contains("AG-UI is an open protocol");
                StringBuilder text = new StringBuilder();
                events.stream().filter(e -> e.get("type").asText().equals("TEXT_MESSAGE_CONTENT"))
                        .forEach(e -> text.append(e.get("delta").asText()));
                JsonNode answerDelta = events.get(events.size() - 3).get("delta").get(0);
                assertThat(answerDelta.get("path").asText()).isEqualTo("/answer");
                assertThat(text.toString()).isNotEmpty().isEqualTo(answerDelta.get("value").asText());
            }
        }
    }
}
