package io.synapsekit.transport.jdk.faults;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream that ends at its SSE end marker ({@code data: [DONE]}) leaves its HTTP/1.1 connection to the pool when
 * the body's last chunk follows shortly, and releases it when the body never ends.
 */
class ConnectionReuseTest {

    /**
     * A keep-alive server that sends an answer and then holds the body's last chunk until the reading thread is
     * waiting for it, as a real server's last chunk trails the content by a flush or a round trip; or, with
     * {@code endBody} false, never sends it.
     */
    private static final class KeepAliveServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch clientGone = new CountDownLatch(1);
        private final boolean endBody;
        private final Thread reader;

        KeepAliveServer(boolean endBody, Thread reader) throws IOException {
            this.endBody = endBody;
            this.reader = reader;
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
                while (FaultServer.readRequest(in) != null) {
                    requests.incrementAndGet();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (endBody) {
                        awaitReader(Thread.State.WAITING); // past the headers (a timed wait), reading the body
                    }
                    out.write(chunk(OpenAIWire.answer("reused ", "or not")));
                    out.flush();
                    if (!endBody) {
                        while (in.read() >= 0) {
                            // nothing more comes from the client; EOF (or a reset) means it left
                        }
                        clientGone.countDown();
                        return;
                    }
                    awaitReader(Thread.State.TIMED_WAITING); // at [DONE], waiting for the body's end
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                clientGone.countDown(); // reset by the client: it left as well
            }
        }

        /**
         * Polls, with a deadline, until the reader is in {@code state}. Its reads of the body wait untimed; once it
         * has seen [DONE], a timed wait is the wait for the body's end. A client that closes at [DONE] never gets
         * there, and after the deadline the last chunk goes to a connection it has already closed.
         */
        private void awaitReader(Thread.State state) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (reader.getState() != state && System.nanoTime() < deadline) {
                Thread.sleep(1); // polling a state with a deadline, not standing in for synchronisation
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
        server = new KeepAliveServer(true, Thread.currentThread());
        OpenAILLM llm = OpenAILLM.builder().baseUrl(server.url()).apiKey("sk-test").model("m").maxRetries(0).build();

        for (int i = 0; i < 5; i++) {
            assertThat(read(llm.open("hi"))).isEqualTo("reused or not");
        }

        assertThat(server.requests.get()).isEqualTo(5);
        assertThat(server.connections.get()).as("connections opened for 5 sequential streams").isEqualTo(1);
    }

    @Test
    void aBodyThatStaysOpenAfterDoneIsReleasedAfterAShortGrace() throws Exception {
        server = new KeepAliveServer(false, Thread.currentThread());
        OpenAILLM llm = OpenAILLM.builder().baseUrl(server.url()).apiKey("sk-test").model("m").maxRetries(0)
                .idleTimeout(Duration.ofMinutes(5)).build();

        // The answer is complete at [DONE]: the loop ends without waiting for the idle timeout.
        String text = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> read(llm.open("hi")));

        assertThat(text).isEqualTo("reused or not");
        assertThat(server.clientGone.await(30, TimeUnit.SECONDS)).as("server saw the client leave").isTrue();
    }
}
