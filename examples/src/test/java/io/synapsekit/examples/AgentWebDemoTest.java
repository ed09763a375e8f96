package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.llm.LLMEvent;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The agent's events reach the browser as Server-Sent Events, and its page is served. */
class AgentWebDemoTest {

    @Test
    void theAgentsToolsAndTextStreamAsServerSentEvents() throws Exception {
        AgentExampleTest.Scripted llm = new AgentExampleTest.Scripted()
                .then(new LLMEvent.ToolCall(0, "c1", "get_weather", "{\"city\":\"Paris\"}"))
                .then(new LLMEvent.Token("Take "), new LLMEvent.Token("an umbrella."));
        try (JettyApp app = AgentWebDemo.start("127.0.0.1", 0, AgentExample.assistant(llm));
                HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> sse = http.send(HttpRequest.newBuilder(app.http("/agent?query=Umbrella%3F"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(app.http("/agent.html"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(sse.headers().firstValue("content-type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/event-stream"));
            String body = sse.body();
            assertThat(body).containsSubsequence(
                    "event: tool_started", "data: {\"id\":\"c1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}",
                    "event: tool_finished", "data: {\"id\":\"c1\",\"name\":\"get_weather\",\"result\":",
                    "data: Take ", "data: an umbrella.",
                    "event: final", "data: {\"answer\":\"Take an umbrella.\"}");
            assertThat(page.body()).contains("new EventSource('/agent?query='").contains("tool_started");
        }
    }
}
