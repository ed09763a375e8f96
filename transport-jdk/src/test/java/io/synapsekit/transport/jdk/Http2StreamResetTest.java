package io.synapsekit.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP/2 stream reset (RST_STREAM) mid-answer, over TLS with ALPN to a self-signed loopback MockWebServer: the
 * stream ends in a {@link TruncatedStreamException} whose partial text is exactly the tokens delivered, a prefix
 * of what the server meant to send. The certificate is made by the JDK's own {@code keytool}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2StreamResetTest {

    @TempDir
    static Path dir;
    private static SSLContext tls;

    @BeforeAll
    static void certificate() throws Exception {
        Path store = dir.resolve("loopback.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "loopback", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Files.deleteIfExists(dir.resolve("loopback.p12"));
    }

    @Test
    void aStreamResetMidAnswerIsATruncatedStreamWithThePartialText() throws Exception {
        StringBuilder wire = new StringBuilder();
        StringBuilder all = new StringBuilder();
        wire.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
        for (int i = 0; i < 500; i++) {
            wire.append("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t").append(i)
                    .append(" \"}}]}\n\n");
            all.append('t').append(i).append(' ');
        }
        try (MockWebServer server = new MockWebServer();
                JdkHttpTransport transport = new JdkHttpTransport(new TransportOptions(Duration.ofSeconds(5)), tls)) {
            server.useHttps(tls.getSocketFactory());
            server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
            // RST_STREAM with CANCEL (0x8) partway through the body
            server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                    .body(wire.toString()).onResponseBody(new SocketEffect.CloseStream(8)).build());
            server.start();
            LLM llm = OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-h2").model("m")
                    .transport(transport).maxRetries(0).build();

            List<String> seen = new ArrayList<>();
            LLMException failure = null;
            try (LLMStream stream = llm.open("hi")) {
                stream.forEachRemaining(seen::add);
            } catch (LLMException e) {
                failure = e;
            }

            mockwebserver3.RecordedRequest request = server.takeRequest();
            assertThat(request.getHandshake()).as("over TLS").isNotNull();
            assertThat(request.getVersion()).as("negotiated by ALPN").isEqualTo("HTTP/2");
            assertThat(server.takeRequest(0, TimeUnit.SECONDS)).isNull();
            assertThat(failure).as("a reset stream cannot end cleanly").isInstanceOf(TruncatedStreamException.class);
            assertThat(failure.partialText()).isEqualTo(String.join("", seen));
            assertThat(all.toString()).startsWith(failure.partialText()).isNotEqualTo(failure.partialText());
        }
    }
}
