package io.synapsekit.llm;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.internal.BuilderSettings;
import io.synapsekit.internal.ClientSettings;
import io.synapsekit.internal.Transports;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings every HTTP provider's builder shares: model, key, base URL, headers, time limits, retries and
 * transport. Each provider's {@code builder()} returns a subclass, so the same calls work for all of them.
 *
 * <p>Not thread-safe; the clients it builds are.
 *
 * @param <B> the provider's builder type, returned by every setter for chaining
 */
public abstract class HttpLLMBuilder<B extends HttpLLMBuilder<B>> {

    private final Function<String, String> environment;
    private String model;
    private String apiKey;
    private String baseUrl;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = TransportOptions.DEFAULT_CONNECT_TIMEOUT;
    private ClientSettings settings = ClientSettings.defaults();
    private HttpTransport transport;

    static {
        BuilderSettings.register(b -> b.settings);
    }

    /**
     * Creates a builder.
     *
     * @param environment reads environment variables (normally {@code System::getenv}); tests pass their own
     * @param defaultModel the model used when none is set, or {@code null} when the user must choose one
     * @param defaultBaseUrl the provider's base URL
     */
    protected HttpLLMBuilder(Function<String, String> environment, String defaultModel, String defaultBaseUrl) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.model = defaultModel;
        this.baseUrl = defaultBaseUrl;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Sets the model. */
    public B model(String model) {
        this.model = requireText("model", model);
        return self();
    }

    /** Sets the API key; by default it is read from the provider's environment variable. Never logged. */
    public B apiKey(String apiKey) {
        this.apiKey = requireText("apiKey", apiKey);
        return self();
    }

    /** Sets the base URL the provider's path is appended to. */
    public B baseUrl(String baseUrl) {
        this.baseUrl = checkUrl(requireText("baseUrl", baseUrl));
        return self();
    }

    /** Adds a header sent with every request (a gateway's key, a tracing id). Its value is never logged. */
    public B header(String name, String value) {
        requireText("header name", name);
        if (!name.chars().allMatch(HttpLLMBuilder::isTokenChar)) {
            throw new IllegalArgumentException("header name must be an RFC 9110 token: " + name);
        }
        Objects.requireNonNull(value, "header value");
        if (!value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c != 0x7F)) {
            // The value may be a gateway's key, so it is not quoted.
            throw new IllegalArgumentException("header " + name + ": value must not contain CR, LF or other control"
                    + " characters");
        }
        headers.put(name, value);
        return self();
    }

    /** Sets the longest wait to open a connection. Default 10 seconds. */
    public B connectTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "connectTimeout");
        new TransportOptions(timeout); // validates
        this.connectTimeout = timeout;
        return self();
    }

    /**
     * Sets the longest wait from sending a request to the first content the model sends, headers included: answer
     * text, thinking, a tool call being written or a refusal (keep-alives and empty opening chunks do not count).
     * Default 10 minutes, because reasoning models may think that long without showing it.
     */
    public B firstTokenTimeout(Duration timeout) {
        settings = settings.withFirstTokenTimeout(timeout);
        return self();
    }

    /** Sets the longest silence on the wire once the response headers have arrived. Default 5 minutes. */
    public B idleTimeout(Duration timeout) {
        settings = settings.withIdleTimeout(timeout);
        return self();
    }

    /** Sets the longest a whole call may take; {@link Duration#ZERO}, the default, for no limit. */
    public B totalTimeout(Duration timeout) {
        settings = settings.withTotalTimeout(timeout);
        return self();
    }

    /**
     * Sets how many times a failed request is sent again, only ever before any token was delivered (connection
     * failures, time-outs before the headers, HTTP 408, 409, 429, 5xx). Default 2.
     */
    public B maxRetries(int retries) {
        settings = settings.withMaxRetries(retries);
        return self();
    }

    /**
     * Sets the backoff: the first delay, doubled per attempt with jitter, and the longest wait, beyond which a
     * server's {@code Retry-After} is not waited for. Default 500 ms and 60 s.
     */
    public B retryDelays(Duration first, Duration max) {
        settings = settings.withRetryDelays(first, max);
        return self();
    }

    /** Sets the most bytes one streamed line or event may have. Default 8 MiB. */
    public B maxEventBytes(int bytes) {
        settings = settings.withMaxEventBytes(bytes);
        return self();
    }

    /**
     * Limits this client to {@code requestsPerMinute}, spaced evenly and shared by all its calls, streams
     * included; callers wait their turn. Default: no limit.
     */
    public B requestsPerMinute(int requestsPerMinute) {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be at least 1: " + requestsPerMinute);
        }
        settings = settings.withRequestsPerMinute(requestsPerMinute);
        return self();
    }

    /** Sets the HTTP transport. Default: the one found on the class path, shared by all clients. */
    public B transport(HttpTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return self();
    }

    // --- for subclasses ---

    /** Returns the model set, or the default; {@code null} when neither exists. */
    protected final String model() {
        return model;
    }

    /** Returns the base URL without a trailing slash. */
    protected final String baseUrl() {
        return baseUrl;
    }

    /** Returns the extra headers, in the order added. */
    protected final Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    /** Returns the transport set, or the shared one found on the class path. */
    protected final HttpTransport transport() {
        return transport != null ? transport : Transports.shared(new TransportOptions(connectTimeout));
    }

    /** Returns the key set with {@link #apiKey}, else the first non-blank of {@code variables}, else {@code null}. */
    protected final String apiKeyOrEnvironment(String... variables) {
        if (apiKey != null) {
            return apiKey;
        }
        for (String variable : variables) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                return requireText(variable, value.strip());
            }
        }
        return null;
    }

    /** Returns environment variable {@code name}, or {@code null}. */
    protected final String environment(String name) {
        return environment.apply(name);
    }

    /**
     * Checks that {@code value} is neither null nor blank and holds no control character; returns it.
     *
     * <p>Every text setting ends up in a request line or header (key, model, URL, organization…), where a CR or
     * LF would let it inject headers or split the request; it is refused here, before any request is sent. The
     * message names the setting, never the value, which may be a secret.
     */
    protected static String requireText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must not contain CR, LF or other control characters");
        }
        return value;
    }

    /** Returns whether {@code c} may appear in an HTTP field name (RFC 9110 {@code tchar}). */
    private static boolean isTokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Checks that {@code url} is an absolute http(s) URL; returns it without trailing slashes. */
    protected static String checkUrl(String url) {
        requireText("baseUrl", url);
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseUrl is not a URL: " + u, e);
        }
        if (uri.getRawUserInfo() != null) {
            // URLs are logged and quoted in errors; a password in one would leak. Not quoted here for that reason.
            throw new IllegalArgumentException("baseUrl must not carry credentials (user:password@host);"
                    + " use .apiKey(…) or .header(…)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL: " + u);
        }
        return u;
    }
}
