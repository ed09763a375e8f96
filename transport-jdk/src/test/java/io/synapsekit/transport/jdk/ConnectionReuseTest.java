package io.synapsekit.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream that ends at its SSE end marker ({@code data: [DONE]}) leaves its HTTP/1.1 connection to the pool when
 * the body's last chunk follows shortly, and releases it when the body never ends.
 */
class ConnectionReuseTest {

    /** A keep-alive server that sends an answer, then the body's last chunk {@code endGapMillis} later. */
    private static final class KeepAliveServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch clientGone = new CountDownLatch(1);
        private final long endGapMillis; // < 0: never end the body, wait for the client to leave

        KeepAliveServer(long endGapMillis) throws IOException {
            this.endGapMillis = endGapMillis;
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (readRequest(in)) {
                    requests.incrementAndGet();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk(OpenAIWire.answer("reused ", "or not")));
                    out.flush();
                    if (endGapMillis < 0) {
                        while (in.read() >= 0) {
                            // nothing more comes from the client; EOF (or a reset) means it left
                        }
                        clientGone.countDown();
                        return;
                    }
                    // A real server's last chunk trails the content by a network round or a flush: made visible
                    // here, so that a client closing at [DONE] would close before it arrives.
                    Thread.sleep(endGapMillis);
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                clientGone.countDown(); // reset by the client: it left as well
            }
        }

        private static byte[] chunk(String text) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + data.length + 2];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(data, 0, all, head.length, data.length);
            all[all.length - 2] = '\r';
            all[all.length - 1] = '\n';
            return all;
        }

        /** Reads one request head and its Content-Length body; false at EOF. */
        private static boolean readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.append((char) b);
            }
            Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
            if (m.find()) {
                in.readNBytes(Integer.parseInt(m.group(1)));
            }
            return true;
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private KeepAliveServer server;

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private static String read(LLMStream stream) {
        StringBuilder text = new StringBuilder();
        try (stream) {
            while (stream.hasNext()) {
                text.append(stream.next());
            }
        }
        return text.toString();
    }

    @Test
    void streamsThatEndAtDoneShareOneConnectionWhenTheLastChunkTrails() throws Exception {
        server = new KeepAliveServer(20);
        OpenAILLM llm = OpenAILLM.builder().baseUrl(server.url()).apiKey("sk-test").model("m").maxRetries(0).build();

        for (int i = 0; i < 5; i++) {
            assertThat(read(llm.open("hi"))).isEqualTo("reused or not");
        }

        assertThat(server.requests.get()).isEqualTo(5);
        assertThat(server.connections.get()).as("connections opened for 5 sequential streams").isEqualTo(1);
    }

    @Test
    void aBodyThatStaysOpenAfterDoneIsReleasedAfterAShortGrace() throws Exception {
        server = new KeepAliveServer(-1);
        OpenAILLM llm = OpenAILLM.builder().baseUrl(server.url()).apiKey("sk-test").model("m").maxRetries(0)
                .idleTimeout(Duration.ofMinutes(5)).build();

        // The answer is complete at [DONE]: the loop ends without waiting for the idle timeout.
        String text = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> read(llm.open("hi")));

        assertThat(text).isEqualTo("reused or not");
        assertThat(server.clientGone.await(30, TimeUnit.SECONDS)).as("server saw the client leave").isTrue();
    }
}
