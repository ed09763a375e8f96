package io.synapsekit.rag.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.http.spi.TransportTimeoutException;
import io.synapsekit.internal.ClientSettings;
import io.synapsekit.internal.HttpErrors;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.StreamWatchdog;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.PartialResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON POST to an embeddings endpoint, with the error mapping every LLM client uses. Immutable, thread-safe.
 *
 * <p>The whole call (connect, headers and body) is bounded by {@code timeout}; a body that stalls is closed by a
 * watchdog, so a call cannot hang.
 */
final class EmbeddingsHttp {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingsHttp.class);
    /** A batch of 2048 inputs of 3072 floats is about 70 MB of JSON; anything beyond is refused. */
    private static final int MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

    private final String provider;
    private final HttpTransport transport;
    private final Duration timeout;
    private final String secret;

    EmbeddingsHttp(String provider, HttpTransport transport, Duration timeout, String secret) {
        this.provider = provider;
        this.transport = transport;
        this.timeout = timeout;
        this.secret = secret;
    }

    JsonNode post(URI uri, Map<String, List<String>> headers, ObjectNode body, String hint404) {
        TransportRequest request = new TransportRequest("POST", uri, headers, Json.bytes(body), timeout);
        long start = System.nanoTime();
        TransportResponse response;
        try {
            response = transport.send(request);
        } catch (TransportTimeoutException e) {
            LLMTimeoutException.Kind kind = e.phase() == TransportTimeoutException.Phase.CONNECT
                    ? LLMTimeoutException.Kind.CONNECT : LLMTimeoutException.Kind.HEADERS;
            throw new LLMTimeoutException(provider, kind, timeout, PartialResult.EMPTY, e);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(provider, PartialResult.EMPTY, e);
        } catch (IOException e) {
            throw new ConnectionException(provider,
                    "cannot reach " + uri + ": " + HttpErrors.redact(String.valueOf(e.getMessage()), secret), e);
        }
        ClientSettings limits = ClientSettings.defaults().withFirstTokenTimeout(timeout).withIdleTimeout(timeout)
                .withTotalTimeout(timeout);
        StreamWatchdog watchdog = StreamWatchdog.start(start, limits, response::close);
        try (response) {
            if (response.status() / 100 != 2) {
                String error = HttpErrors.readErrorBody(response);
                throw HttpErrors.map(provider, response, error, hint404, secret, Clock.systemUTC());
            }
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException(provider, PartialResult.EMPTY, e);
            } catch (IOException e) {
                if (watchdog.expired() != null) {
                    throw new LLMTimeoutException(provider, LLMTimeoutException.Kind.TOTAL, timeout, PartialResult.EMPTY, e);
                }
                throw new ConnectionException(provider, "response from " + uri + " broke off: " + e.getMessage(), e);
            }
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new LLMException(provider, response.status(),
                        "embeddings response larger than " + MAX_RESPONSE_BYTES + " bytes; use a smaller batchSize",
                        PartialResult.EMPTY, null);
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            try {
                JsonNode root = Json.parse(text);
                log.debug("{}: POST {} -> {} ({} bytes)", provider, uri, response.status(), bytes.length);
                return root;
            } catch (IOException e) {
                throw new MalformedChunkException(provider, "embeddings response is not JSON", text, PartialResult.EMPTY, e);
            }
        } finally {
            watchdog.stop();
        }
    }

    /** Reads a JSON array of numbers into a vector, or fails naming what was wrong. */
    float[] vector(JsonNode array, String what, String responseText) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new MalformedChunkException(provider, what + " is not a non-empty array of numbers",
                    responseText, PartialResult.EMPTY, null);
        }
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = array.get(i);
            if (!x.isNumber()) {
                throw new MalformedChunkException(provider, what + " holds a value that is not a number",
                        responseText, PartialResult.EMPTY, null);
            }
            v[i] = x.floatValue();
        }
        return v;
    }

    /** Splits {@code texts} into batches of at most {@code size}. */
    static List<List<String>> batches(List<String> texts, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i += size) {
            out.add(texts.subList(i, Math.min(texts.size(), i + size)));
        }
        return out;
    }

    static void requireText(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " to embed is null");
            }
        }
    }
}
