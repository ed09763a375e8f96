package io.synapsekit.internal;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.http.spi.TransportTimeoutException;
import io.synapsekit.llm.CancelledException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.stream.CloseableIterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a provider's requests and opens their event streams, or reads their one JSON answer (embeddings): the
 * behaviour every HTTP provider shares, chat and embeddings alike.
 *
 * <p>Every request is encoded here, with the headers fixed when the client is built: the ones every request
 * carries, then the provider's own (its key, its version), then the user's. A user's header replaces any earlier
 * one whose name differs only in case, so {@code .header("authorization", …)} sends one {@code Authorization}.
 *
 * <p>Retries happen only before any content was delivered, so no token is ever delivered twice: connection
 * failures, timeouts before the headers, HTTP 408, 409, 429 and 5xx, and an overload, rate limit or server error
 * the provider reports inside a successful stream before its first content. All attempts of one call share
 * {@link ClientSettings#maxRetries()}; waits use exponential backoff with jitter, honouring {@code Retry-After} up
 * to {@link ClientSettings#maxRetryDelay()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpLLMClient {

    private static final Logger log = LoggerFactory.getLogger(HttpLLMClient.class);

    /** What the library sends with every request, before the provider's headers and the user's. */
    private static final Map<String, String> COMMON_HEADERS = Map.of("Content-Type", "application/json",
            "User-Agent", "synapsekit-java/0.1");

    private final String provider;
    private final @Nullable String secret;
    private final Map<String, List<String>> headers;
    private final HttpTransport transport;
    private final ClientSettings settings;
    private final @Nullable RequestRateLimiter limiter;

    /**
     * Creates a client.
     *
     * @param provider the provider's short name for errors and logs, e.g. {@code "openai"}
     * @param secret the API key, redacted from every error message, or {@code null}
     * @param providerHeaders the provider's own headers (what it accepts, its key, its version)
     * @param userHeaders the headers the user added; each replaces an earlier one of the same name in any case
     */
    HttpLLMClient(String provider, @Nullable String secret, Map<String, String> providerHeaders,
            Map<String, String> userHeaders, HttpTransport transport, ClientSettings settings) {
        this.provider = provider;
        this.secret = secret;
        this.headers = headers(providerHeaders, userHeaders);
        this.transport = transport;
        this.settings = settings;
        this.limiter = settings.requestsPerMinute() > 0 ? new RequestRateLimiter(settings.requestsPerMinute()) : null;
    }

    /**
     * Returns the headers of every request: the common ones, the provider's, then the user's, each replacing an
     * earlier header whose name differs only in case. The one place this rule lives, for chat and embeddings.
     */
    static Map<String, List<String>> headers(Map<String, String> providerHeaders, Map<String, String> userHeaders) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (Map<String, String> layer : List.of(COMMON_HEADERS, providerHeaders, userHeaders)) {
            layer.forEach((name, value) -> {
                h.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
                h.put(name, List.of(value));
            });
        }
        return Collections.unmodifiableMap(h);
    }

    /** Returns the provider's short name. */
    public String provider() {
        return provider;
    }

    /** Returns the request posting {@code body} to {@code uri}, with this client's headers. */
    TransportRequest post(URI uri, ObjectNode body) {
        return new TransportRequest("POST", uri, headers, Json.bytes(body), settings.headersTimeout());
    }

    /**
     * Sends the conversation, retrying where safe, and returns the response's events once the headers of a
     * successful response have arrived. The events retry on their own an error the provider reports inside the
     * stream before any content, with what is left of the same budget.
     *
     * @throws LLMException when no successful response could be had
     */
    CloseableIterator<LLMEvent> open(ProviderCodec codec, String model, List<ChatMessage> messages,
            GenerateOptions options) {
        return open(codec, model, messages, options, null);
    }

    /** Opens as {@link #open(ProviderCodec, String, List, GenerateOptions)} does, reading inside {@code readScope}. */
    CloseableIterator<LLMEvent> open(ProviderCodec codec, String model, List<ChatMessage> messages,
            GenerateOptions options, @Nullable ReadScope readScope) {
        URI uri = codec.endpoint(model);
        TransportRequest request = post(uri, codec.body(model, messages, options));
        String hint404 = codec.notFoundHint(model, uri);
        HttpEventStream.Retries retries = new HttpEventStream.Retries() {
            @Override
            public Optional<Duration> delay(LLMException failure, int attempt) {
                return retryDelay(failure, attempt);
            }

            @Override
            public Connected resend(int attempt) {
                if (readScope == null) {
                    return connect(request, hint404, attempt);
                }
                io.synapsekit.observe.Scope scope = readScope.enter(); // a retry's send is inside the call too
                try {
                    return connect(request, hint404, attempt);
                } finally {
                    readScope.exit(scope);
                }
            }
        };
        Connected first = connect(request, hint404, 0);
        try {
            return new HttpEventStream(provider, secret, first, retries, settings, codec, readScope);
        } catch (RuntimeException | Error e) {
            first.response().close();
            throw e;
        }
    }

    /**
     * Posts {@code body} to {@code uri} and returns the response, one JSON document (an embeddings batch), with a
     * stream's retries, rate limit and errors: failures before the response headers are retried where safe, and
     * nothing once the body is being read. The body is read on the caller's thread, within
     * {@link ClientSettings#maxEventBytes()} and the idle and total limits; its headers count as the first token.
     *
     * @throws LLMException when no successful response could be had, or its body broke off, timed out, was larger
     *     than the limit or is not JSON
     */
    public JsonNode postJson(URI uri, ObjectNode body, String hint404) {
        Connected connected = connect(post(uri, body), hint404, 0);
        TransportResponse response = connected.response();
        StreamWatchdog watchdog = StreamWatchdog.start(connected.startNanos(), settings, response::close);
        watchdog.tokenSeen();
        int max = settings.maxEventBytes();
        byte[] bytes;
        try (response; InputStream in = new ActivityInputStream(response.body(), watchdog)) {
            bytes = in.readNBytes(max + 1);
        } catch (IOException e) {
            LLMTimeoutException.Kind expired = watchdog.expired();
            if (expired != null) {
                throw new LLMTimeoutException(provider, expired, watchdog.limit(expired), PartialResult.EMPTY, e);
            }
            if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
                Thread.currentThread().interrupt();
                throw new CancelledException(provider, PartialResult.EMPTY, e);
            }
            throw new TruncatedStreamException(provider, "response from " + uri + " broke off: "
                    + HttpErrors.redact(String.valueOf(e.getMessage()), secret), PartialResult.EMPTY, e);
        } finally {
            watchdog.stop();
        }
        if (bytes.length > max) {
            throw new LLMException(provider, response.status(), "response larger than " + max
                    + " bytes (maxEventBytes): send less per request, or raise the limit", PartialResult.EMPTY, null);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            JsonNode json = Json.parse(text);
            log.debug("{}: POST {} -> {} ({} bytes)", provider, uri, response.status(), bytes.length);
            return json;
        } catch (IOException e) {
            throw new MalformedChunkException(provider, "response is not JSON", HttpErrors.redact(text, secret),
                    PartialResult.EMPTY, e);
        }
    }

    /**
     * A successful (2xx) response, with when its request was sent and which attempt it was (0 for the first).
     */
    record Connected(TransportResponse response, long startNanos, int attempt) {
    }

    /**
     * Sends {@code request} as attempt {@code first} and, while its failures are retryable and the budget lasts,
     * as the following attempts, until the headers of a successful response arrive.
     *
     * @throws LLMException when no successful response could be had
     */
    Connected connect(TransportRequest request, String hint404, int first) {
        for (int attempt = first; ; attempt++) {
            if (limiter != null) {
                limiter.acquire(provider);
            }
            long start = System.nanoTime();
            LLMException failure;
            try {
                TransportResponse response = transport.send(request);
                if (response.status() / 100 == 2) {
                    log.debug("{}: {} {} -> {}", provider, request.method(), request.uri(), response.status());
                    return new Connected(response, start, attempt);
                }
                String body;
                try (response) {
                    body = readErrorBody(response, start);
                }
                failure = HttpErrors.map(provider, response, body, hint404, secret, Clock.systemUTC());
            } catch (TransportTimeoutException e) {
                LLMTimeoutException.Kind kind = e.phase() == TransportTimeoutException.Phase.CONNECT
                        ? LLMTimeoutException.Kind.CONNECT : LLMTimeoutException.Kind.HEADERS;
                Duration limit = kind == LLMTimeoutException.Kind.HEADERS ? settings.headersTimeout() : Duration.ZERO;
                failure = new LLMTimeoutException(provider, kind, limit, PartialResult.EMPTY, e);
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException(provider, PartialResult.EMPTY, e);
            } catch (IOException e) {
                failure = new ConnectionException(provider,
                        "cannot reach " + request.uri() + ": " + HttpErrors.redact(String.valueOf(e.getMessage()),
                                secret), e);
            }
            Optional<Duration> wait = retryDelay(failure, attempt);
            if (wait.isEmpty()) {
                throw failure;
            }
            log.debug("{}: attempt {} failed ({}); retrying in {} ms", provider, attempt + 1, failure.getMessage(),
                    wait.get().toMillis());
            try {
                Thread.sleep(wait.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                CancelledException cancelled = new CancelledException(provider, PartialResult.EMPTY, e);
                cancelled.addSuppressed(failure);
                throw cancelled;
            }
        }
    }

    /** Reads an error body, bounded in size and by the idle limit, so a stalled error response cannot hang us. */
    private String readErrorBody(TransportResponse response, long start) {
        StreamWatchdog watchdog = StreamWatchdog.start(start, settings.withFirstTokenTimeout(
                settings.idleTimeout()), response::close);
        try {
            return HttpErrors.readErrorBody(response);
        } finally {
            watchdog.stop();
        }
    }

    /** Returns how long to wait before the next attempt, or empty when {@code failure} must be thrown. */
    Optional<Duration> retryDelay(LLMException failure, int attempt) {
        if (!failure.isRetryable() || attempt >= settings.maxRetries()) {
            return Optional.empty();
        }
        Duration asked = switch (failure) {
            case RateLimitException r -> r.retryAfter().orElse(null);
            case ServerException s -> s.retryAfter().orElse(null);
            default -> null;
        };
        if (asked != null) {
            return asked.compareTo(settings.maxRetryDelay()) <= 0 ? Optional.of(asked) : Optional.empty();
        }
        long base = settings.retryBaseDelay().toMillis() << Math.min(attempt, 20);
        long cap = Math.min(base, settings.maxRetryDelay().toMillis());
        // Equal jitter: at least half the backoff, so retries of many clients hit by one outage spread out.
        return Optional.of(Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1)));
    }
}
