package io.synapsekit.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Ollama server, as our chat and embeddings clients reach it: where it is (the base URL set, else
 * {@code OLLAMA_HOST}, else this machine), its optional key, and the hint for a model that is not there. Shared so
 * that {@code OllamaLLM} and {@code OllamaEmbeddings} find the same server the same way.
 */
public final class OllamaServer {

    /** The provider's short name in errors and logs. */
    public static final String NAME = "ollama";
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "http://localhost:11434";
    /** The environment variable naming the server, as the {@code ollama} command reads it. */
    public static final String HOST_VARIABLE = "OLLAMA_HOST";
    /** The environment variable of an optional API key, sent as a bearer token (ollama.com, proxies). */
    public static final String API_KEY_VARIABLE = "OLLAMA_API_KEY";

    private OllamaServer() {
    }

    /**
     * Returns the base URL: the one set on the builder, else the server {@value #HOST_VARIABLE} names, else the
     * builder's default.
     *
     * @throws IllegalArgumentException when {@value #HOST_VARIABLE} is not a host or URL
     */
    public static String baseUrl(BuilderState state) {
        String host = state.environment(HOST_VARIABLE);
        if (state.baseUrlSet() || host == null || host.isBlank()) {
            return state.baseUrl();
        }
        return BuilderState.checkUrl(baseUrlFromHost(host));
    }

    /** Returns the optional key: the one set, else {@value #API_KEY_VARIABLE}, else {@code null}. */
    public static @Nullable String apiKey(BuilderState state) {
        return state.apiKey(NAME, false, API_KEY_VARIABLE);
    }

    /** Returns the header carrying {@code key} as a bearer token, or none when there is no key. */
    public static Map<String, String> authHeaders(@Nullable String key) {
        return key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
    }

    /** Returns what an HTTP 404 for {@code model} at {@code endpoint} most likely means. */
    public static String notFoundHint(String model, URI endpoint) {
        return "is the model \"" + model + "\" pulled? run `ollama pull " + model + "` on the server at " + endpoint;
    }

    /**
     * Returns the base URL that an {@code OLLAMA_HOST} value names, following the {@code ollama} command's rules:
     * a bare {@code host}, {@code host:port} or {@code :port} means {@code http} on port 11434 unless given; a
     * full {@code http://} or {@code https://} URL keeps its port (80 or 443 when absent) and path. The bind-all
     * addresses {@code 0.0.0.0} and {@code ::}, which users set so the server listens everywhere, mean this
     * machine.
     *
     * @throws IllegalArgumentException when the value is not a host or URL
     */
    static String baseUrlFromHost(String value) {
        String s = value.strip();
        String scheme = "http";
        String defaultPort = "11434";
        int sep = s.indexOf("://");
        if (sep >= 0) {
            scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
            s = s.substring(sep + 3);
            if (scheme.equals("http")) {
                defaultPort = "80";
            } else if (scheme.equals("https")) {
                defaultPort = "443";
            } else {
                throw new IllegalArgumentException(HOST_VARIABLE + " must be http or https: " + value);
            }
        }
        String path = "";
        int slash = s.indexOf('/');
        if (slash >= 0) {
            path = s.substring(slash);
            s = s.substring(0, slash);
        }
        String host;
        String port;
        if (s.startsWith("[")) { // [ipv6] or [ipv6]:port
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(HOST_VARIABLE + " is not a host or URL: " + value);
            }
            host = s.substring(1, close);
            port = s.length() > close + 1 && s.charAt(close + 1) == ':' ? s.substring(close + 2) : "";
        } else if (s.indexOf(':') != s.lastIndexOf(':')) { // bare IPv6 address, no port
            host = s;
            port = "";
        } else {
            int colon = s.indexOf(':');
            host = colon >= 0 ? s.substring(0, colon) : s;
            port = colon >= 0 ? s.substring(colon + 1) : "";
        }
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        if (port.isEmpty()) {
            port = defaultPort;
        }
        String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        String url = scheme + "://" + authority + path;
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException(HOST_VARIABLE + " is not a host or URL: " + value);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(HOST_VARIABLE + " is not a host or URL: " + value, e);
        }
        return url;
    }

}
