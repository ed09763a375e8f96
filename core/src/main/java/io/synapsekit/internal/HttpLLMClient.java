package io.synapsekit.internal;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.http.spi.TransportTimeoutException;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.stream.CloseableIterator;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a provider's requests and opens their event streams: the behaviour every HTTP provider shares.
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

    private final ProviderCodec codec;
    private final HttpTransport transport;
    private final ClientSettings settings;
    private final RequestRateLimiter limiter;

    public HttpLLMClient(ProviderCodec codec, HttpTransport transport, ClientSettings settings) {
        this.codec = codec;
        this.transport = transport;
        this.settings = settings;
        this.limiter = settings.requestsPerMinute() > 0 ? new RequestRateLimiter(settings.requestsPerMinute()) : null;
    }

    /**
     * Sends the conversation, retrying where safe, and returns the response's events once the headers of a
     * successful response have arrived. The events retry on their own an error the provider reports inside the
     * stream before any content, with what is left of the same budget.
     *
     * @throws LLMException when no successful response could be had
     */
    public CloseableIterator<LLMEvent> open(List<ChatMessage> messages, GenerateOptions options) {
        TransportRequest request = codec.encode(messages, options, settings.headersTimeout());
        HttpEventStream.Retries retries = new HttpEventStream.Retries() {
            @Override
            public Optional<Duration> delay(LLMException failure, int attempt) {
                return retryDelay(failure, attempt);
            }

            @Override
            public Connected resend(int attempt) {
                return connect(request, options, attempt);
            }
        };
        Connected first = connect(request, options, 0);
        try {
            return new HttpEventStream(codec.provider(), first, retries, settings, codec);
        } catch (RuntimeException | Error e) {
            first.response().close();
            throw e;
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
    Connected connect(TransportRequest request, GenerateOptions options, int first) {
        String provider = codec.provider();
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
                failure = HttpErrors.map(provider, response, body, codec.notFoundHint(options), codec.secret(),
                        Clock.systemUTC());
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
                                codec.secret()), e);
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
