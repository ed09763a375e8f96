package io.synapsekit.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.examples.web.ResumableStreams;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.SseReplayException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo's {@code POST /stream/stop}: an event id of a running answer stops it, the model sees its request
 * abandoned within a second and the stream ends with {@code [DONE]}; {@code --redis} with no Redis there fails fast.
 */
class WebDemoStopTest {

    @Test
    void aStopPostedWithAnEventIdStopsTheAnswerAndTheModelRequest() throws Exception {
        try (OfflineModelServer model = OfflineModelServer.start(Duration.ofMillis(20))) {
            LLM llm = OpenAILLM.builder().baseUrl(model.baseUrl()).apiKey("offline-demo")
                    .model(OfflineModelServer.MODEL).build();
            try (WebDemo web = WebDemo.start("127.0.0.1", 0, WebDemo.answers(llm));
                    Socket browser = new Socket("127.0.0.1", web.port())) {
                browser.setSoTimeout(10_000);
                browser.getOutputStream().write(("GET /stream?query=What+is+RAG HTTP/1.0\r\nHost: x\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(UTF_8));
                InputStream in = browser.getInputStream();
                StringBuilder seen = new StringBuilder();
                Matcher id = Pattern.compile("\nid: (\\S+-[1-9]\\d*)\n").matcher("");
                while (!id.reset(seen).find()) {
                    int b = in.read();
                    assertThat(b).as("stream ended early: " + seen).isNotNegative();
                    seen.append((char) b);
                }

                long sent = System.nanoTime();
                assertThat(post(web.port(), id.group(1))).isEqualTo(202);
                long deadline = sent + TimeUnit.SECONDS.toNanos(1);
                while (model.abandonedStreams() == 0 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(1_000_000); // poll, with the deadline above
                }
                assertThat(model.abandonedStreams()).as("the model saw its answer abandoned within 1 s").isOne();
                String rest = new String(in.readAllBytes(), UTF_8);
                assertThat(rest).endsWith("data: [DONE]\n\n").doesNotContain("event: error");
                assertThat(post(web.port(), "not-an-id")).isEqualTo(400);
            }
        }
    }

    @Test
    void redisThatIsNotThereFailsTheDemoFast() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String uri = "redis://127.0.0.1:" + port;
        assertThatThrownBy(() -> ResumableStreams.from(new String[] {"--redis", uri}))
                .isInstanceOf(SseReplayException.class).hasMessageContaining(uri);
        try (ResumableStreams local = ResumableStreams.from(new String[0])) {
            assertThat(local.response().isResumable()).isTrue();
            assertThat(local.description()).contains("in memory");
        }
    }

    private static int post(int port, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST /stream/stop HTTP/1.0\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(UTF_8));
            out.write(bytes);
            out.flush();
            String status = new String(s.getInputStream().readNBytes(12), UTF_8);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
