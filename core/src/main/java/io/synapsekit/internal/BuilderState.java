package io.synapsekit.internal;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.observe.LLMListener;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * What the builder of an HTTP model client gathers: model, key, base URL, headers, time limits, retries and
 * transport, with the checks every setting passes.
 *
 * <p>The public builder ({@code io.synapsekit.llm.http.HttpLLMBuilder}) holds one and only sets it; our providers
 * read it in their {@code build()} through {@link #of}, so none of it is on the builder's public or protected
 * surface. The builder registers how to reach its state when its class initialises, as the JDK's "shared secrets"
 * do: the builder's package imports this one, and this one never imports the builder's.
 *
 * <p>Not thread-safe, like the builder that holds it.
 */
public final class BuilderState {

    private static volatile Function<Object, BuilderState> access;

    private Function<String, @Nullable String> environment = System::getenv;
    private @Nullable String model;
    private @Nullable String apiKey;
    private String baseUrl;
    private boolean baseUrlSet;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = TransportOptions.DEFAULT_CONNECT_TIMEOUT;
    private ClientSettings settings = ClientSettings.defaults();
    private @Nullable HttpTransport transport;
    private @Nullable Wire wire;
    private final List<LLMListener> listeners = new java.util.ArrayList<>();

    /** Called once, by the public builder's static initialiser: how to reach a builder's state. */
    public static void register(Function<Object, BuilderState> accessor) {
        if (access != null) {
            throw new IllegalStateException("already registered");
        }
        access = Objects.requireNonNull(accessor);
    }

    /** Returns {@code builder}'s state. Its class is initialised, since an instance exists. */
    public static BuilderState of(Object builder) {
        return access.apply(builder);
    }

    /**
     * Sets what a provider's builder starts from.
     *
     * @param environment reads environment variables (normally {@code System::getenv})
     * @param model the model used when none is set, or {@code null} when the user must choose one
     * @param baseUrl the provider's base URL
     */
    public BuilderState defaults(Function<String, @Nullable String> environment, @Nullable String model,
            String baseUrl) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.model = model;
        this.baseUrl = checkUrl(baseUrl);
        return this;
    }

    // --- set by the builder ---

    public void model(String model) {
        this.model = requireText("model", model);
    }

    public void apiKey(String apiKey) {
        this.apiKey = requireText("apiKey", apiKey);
    }

    public void baseUrl(String baseUrl) {
        this.baseUrl = checkUrl(baseUrl);
        this.baseUrlSet = true;
    }

    /**
     * Adds a header sent with every request; it replaces one added before whose name differs only in case, as it
     * replaces the provider's own header of that name (see {@link HttpLLMClient}).
     */
    public void header(String name, String value) {
        requireText("header name", name);
        if (!name.chars().allMatch(BuilderState::isTokenChar)) {
            throw new IllegalArgumentException("header name must be an RFC 9110 token: " + name);
        }
        Objects.requireNonNull(value, "header value");
        if (!value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c != 0x7F)) {
            // The value may be a gateway's key, so it is not quoted.
            throw new IllegalArgumentException("header " + name + ": value must not contain CR, LF or other control"
                    + " characters");
        }
        headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
        headers.put(name, value);
    }

    public void connectTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "connectTimeout");
        new TransportOptions(timeout); // validates
        this.connectTimeout = timeout;
    }

    /** Changes the time limits and retry policy; the new settings validate themselves. */
    public BuilderState settings(UnaryOperator<ClientSettings> change) {
        settings = change.apply(settings);
        return this;
    }

    public void requestsPerMinute(int requestsPerMinute) {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be at least 1: " + requestsPerMinute);
        }
        settings = settings.withRequestsPerMinute(requestsPerMinute);
    }

    public void transport(HttpTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    public void listener(LLMListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // --- read by the providers ---

    /** Returns the model set, or the default; {@code null} when neither exists. */
    public @Nullable String model() {
        return model;
    }

    /** Returns the base URL without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Returns whether the user set the base URL, rather than it being the provider's default. */
    boolean baseUrlSet() {
        return baseUrlSet;
    }

    /**
     * Returns the client the builder describes, for {@code provider}.
     *
     * @param secret the API key, redacted from every error message, or {@code null}
     * @param providerHeaders the provider's own headers (what it accepts, its key, its version); the user's
     *     replace them by name, in any case
     */
    public HttpLLMClient client(String provider, @Nullable String secret, Map<String, String> providerHeaders) {
        return new HttpLLMClient(provider, secret, providerHeaders, headers, transport(), settings);
    }

    /**
     * Sets the wire format a chat model built next speaks: called by a provider's {@code build()} just before it
     * creates its client, whose constructor then calls {@link #chat}.
     *
     * @param secret the API key, redacted from every error message, or {@code null}
     * @param headers the provider's own headers (what it answers with, its key, its version); the user's replace
     *     them by name, in any case
     */
    public void wire(String provider, @Nullable String secret, Map<String, String> headers, ProviderCodec codec) {
        this.wire = new Wire(provider, secret, Map.copyOf(headers), codec);
    }

    /**
     * Returns the chat model the builder describes, on the wire format its provider set.
     *
     * @param name the public class's name, for {@code toString()}
     * @throws IllegalStateException when no provider set a wire format: the builder is not one of ours
     */
    public HttpChat chat(String name) {
        Wire w = wire;
        if (w == null) {
            throw new IllegalStateException(name + ": only SynapseKit's providers build HTTP clients; to add a"
                    + " provider, implement io.synapsekit.llm.LLM");
        }
        return new HttpChat(name, model, w.codec(), client(w.provider(), w.secret(), w.headers()),
                Observers.with(listeners));
    }

    /** Returns the listeners of what the builder builds: those found with the ServiceLoader, then those set. */
    public List<LLMListener> listeners() {
        return Observers.with(listeners);
    }

    private record Wire(String provider, @Nullable String secret, Map<String, String> headers, ProviderCodec codec) {
    }

    /** Returns the time limits and retry policy. */
    ClientSettings settings() {
        return settings;
    }

    /** Returns the transport set, or the shared one found on the class path. */
    HttpTransport transport() {
        return transport != null ? transport : Transports.shared(new TransportOptions(connectTimeout));
    }

    /**
     * Returns the key set with {@code apiKey(…)}, else the first non-blank of {@code variables}, else {@code null}.
     *
     * @param required whether the server needs one: then its absence fails here, before any request
     * @throws AuthenticationException when {@code required} and there is none, naming where a key is read from
     */
    public @Nullable String apiKey(String provider, boolean required, String... variables) {
        if (apiKey != null) {
            return apiKey;
        }
        for (String variable : variables) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                return requireText(variable, value.strip());
            }
        }
        if (required) {
            String set = variables.length == 0 ? ""
                    : "set " + variables[0] + (variables.length == 1 ? ""
                            : " (or " + String.join(", ", List.of(variables).subList(1, variables.length)) + ")")
                            + " or ";
            throw new AuthenticationException(provider, 0, "no API key; " + set + "call .apiKey(…)", null);
        }
        return null;
    }

    /** Returns environment variable {@code name}, or {@code null}. */
    @Nullable String environment(String name) {
        return environment.apply(name);
    }

    /**
     * Checks that {@code value} is neither null nor blank and holds no control character; returns it.
     *
     * <p>Every text setting ends up in a request line or header (key, model, URL, organization…), where a CR or
     * LF would let it inject headers or split the request; it is refused here, before any request is sent. The
     * message names the setting, never the value, which may be a secret.
     */
    public static String requireText(String what, String value) {
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
    public static String checkUrl(String url) {
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
