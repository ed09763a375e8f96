package io.synapsekit.llm.ollama;

import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.HttpChat;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.stream.CloseableIterator;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * An {@link LLM} on a local or remote Ollama server's native chat API ({@code POST {baseUrl}/api/chat}),
 * streamed as newline-delimited JSON.
 *
 * <pre>{@code
 * LLM llama = OllamaLLM.builder().model("llama3.2").build();   // http://localhost:11434, or OLLAMA_HOST
 * try (Stream<String> tokens = llama.stream("Why is the sky blue?")) { tokens.forEach(System.out::print); }
 * }</pre>
 *
 * <p>The model has no default: Ollama serves only the models pulled on that machine, so a guessed name would
 * fail at the first request instead of at {@code build()}. Thinking models stream their reasoning as
 * {@link LLMEvent.Thinking} when asked with {@code GenerateOptions.builder().extraBody("think", true)}; other
 * native fields ({@code keep_alive}, {@code format}) are set the same way.
 *
 * <p>Immutable and thread-safe: build one per application and share it. Streams read on the caller's thread;
 * no thread is started per request.
 */
public final class OllamaLLM implements LLM {

    /** The default base URL; requests go to {@code {baseUrl}/api/chat}. */
    public static final String DEFAULT_BASE_URL = "http://localhost:11434";
    /** The environment variable naming the server, as the {@code ollama} command reads it. */
    public static final String HOST_VARIABLE = "OLLAMA_HOST";
    /** The environment variable of an optional API key, sent as a bearer token (ollama.com, proxies). */
    public static final String API_KEY_VARIABLE = "OLLAMA_API_KEY";

    private final HttpChat chat;

    private OllamaLLM(HttpChat chat) {
        this.chat = chat;
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /** Returns the default model name requests use. */
    public String model() {
        return chat.model();
    }

    @Override
    public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
        return chat.open(messages, options);
    }

    @Override
    public String toString() {
        return chat.toString();
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

    /**
     * A builder of {@link OllamaLLM}. The base URL is the one set with {@link #baseUrl}, else the server named by
     * {@value OllamaLLM#HOST_VARIABLE}, else {@value OllamaLLM#DEFAULT_BASE_URL}. No key is needed; one set with
     * {@link #apiKey}, or {@value OllamaLLM#API_KEY_VARIABLE}, is sent as a bearer token. Not thread-safe.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        Builder(Function<String, String> environment) {
            BuilderState.of(this).defaults(environment, null, DEFAULT_BASE_URL);
        }

        /**
         * Returns the client.
         *
         * @throws IllegalStateException when no model was set
         * @throws IllegalArgumentException when {@value OllamaLLM#HOST_VARIABLE} is not a host or URL
         */
        public OllamaLLM build() {
            BuilderState state = BuilderState.of(this);
            if (state.model() == null) {
                throw new IllegalStateException("ollama: no model; call .model(\"llama3.2\") with a model that"
                        + " `ollama list` shows");
            }
            String url = state.baseUrl();
            String host = state.environment(HOST_VARIABLE);
            if (!state.baseUrlSet() && host != null && !host.isBlank()) {
                url = BuilderState.checkUrl(baseUrlFromHost(host));
            }
            String key = state.apiKey(OllamaCodec.PROVIDER, false, API_KEY_VARIABLE);
            OllamaCodec codec = new OllamaCodec(url, state.model(), key);
            return new OllamaLLM(state.chat("OllamaLLM", OllamaCodec.PROVIDER, key, codec));
        }
    }
}
