package io.synapsekit.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole web stack, browser to model: a browser that closes its SSE connection mid-answer stops the graph
 * run, and with it the LLM request, which the offline model server sees as an abandoned answer within a second.
 */
class WebDemoDisconnectTest {

    @Test
    void closingTheBrowserConnectionStopsTheGraphAndTheLlmRequest() throws Exception {
        try (OfflineModelServer model = OfflineModelServer.start(Duration.ofMillis(20))) {
            LLM llm = OpenAILLM.builder().baseUrl(model.baseUrl()).apiKey("offline-demo")
                    .model(OfflineModelServer.MODEL).build();
            try (WebDemo web = WebDemo.start("127.0.0.1", 0, WebDemo.answers(llm))) {
                long closedAt;
                try (Socket browser = new Socket("127.0.0.1", web.port())) {
                    browser.getOutputStream().write(("GET /stream?query=What+is+RAG HTTP/1.1\r\nHost: x\r\n"
                            + "Accept: text/event-stream\r\n\r\n").getBytes(UTF_8));
                    InputStream in = browser.getInputStream();
                    StringBuilder seen = new StringBuilder();
                    while (seen.toString().split("\ndata: ", -1).length < 4) {
                        int b = in.read();
                        assertThat(b).as("stream ended early: " + seen).isNotNegative();
                        seen.append((char) b);
                    }
                    assertThat(model.openStreams()).isEqualTo(1);
                    closedAt = System.nanoTime();
                }

                long deadline = closedAt + TimeUnit.SECONDS.toNanos(1);
                // The server counts the abandoned answer before it closes it: wait for both.
                while ((model.abandonedStreams() == 0 || model.openStreams() != 0) && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll, with the deadline above
                }
                assertThat(model.abandonedStreams()).as("the model saw its answer abandoned within 1 s").isEqualTo(1);
                assertThat(model.openStreams()).isZero();
                // Even the resumable /stream cancels: its grace (500 ms) passed with nobody resuming.
                assertThat(model.tokensSent()).isLessThan(60);
            }
        }
    }
}
