package io.synapsekit.examples;

import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.llm.gemini.GeminiLLM;
import io.synapsekit.llm.ollama.OllamaLLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The model the examples talk to, chosen from the command line and the environment.
 *
 * <ul>
 *   <li>{@code --provider openai|anthropic|gemini|ollama|offline} picks one explicitly; {@code --model name}
 *       overrides its default model. The hosted providers read their usual key variables
 *       ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY}); Ollama honours
 *       {@code OLLAMA_HOST}.
 *   <li>With no flag, {@code OPENAI_API_KEY} selects OpenAI ({@code gpt-4o-mini}); without it the examples use
 *       the offline demo model: an OpenAI-compatible server started in this JVM on loopback, streaming a
 *       deterministic answer over real HTTP and SSE. No key, no network.
 *   <li>{@code -Dsynapsekit.offline.tokenDelay=30ms} (or {@code 0}) sets the offline model's pace.
 * </ul>
 *
 * <p>Immutable; the offline server is started once per JVM, on first use, and stops with the JVM.
 */
public final class Demo {

    /** The pause between two tokens of the offline model: about the pace of a hosted model. */
    public static final Duration DEFAULT_OFFLINE_PACE = Duration.ofMillis(30);

    private static final ReentrantLock OFFLINE_LOCK = new ReentrantLock();
    private static OfflineModelServer offline;

    private final LLM llm;
    private final String description;
    private final boolean isOffline;

    private Demo(LLM llm, String description, boolean isOffline) {
        this.llm = llm;
        this.description = description;
        this.isOffline = isOffline;
    }

    /** Returns the model chosen by {@code args} and the environment (see the class comment). */
    public static LLM llm(String... args) {
        return choose(args).model();
    }

    /** Chooses the model from {@code args} and the environment. */
    public static Demo choose(String... args) {
        return choose(args, System.getenv());
    }

    static Demo choose(String[] args, Map<String, String> env) {
        String provider = null;
        String model = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--provider" -> provider = value(args, ++i, "--provider");
                case "--model" -> model = value(args, ++i, "--model");
                default -> { }
            }
        }
        if (provider == null) {
            String key = env.get(OpenAILLM.API_KEY_VARIABLE);
            provider = key != null && !key.isBlank() ? "openai" : "offline";
        }
        return switch (provider.toLowerCase(Locale.ROOT)) {
            case "offline" -> offline();
            case "openai" -> {
                OpenAILLM.Builder b = OpenAILLM.builder().model(model != null ? model : OpenAILLM.DEFAULT_MODEL);
                String key = env.get(OpenAILLM.API_KEY_VARIABLE);
                if (key != null && !key.isBlank()) {
                    b.apiKey(key);
                }
                OpenAILLM llm = b.build();
                yield new Demo(llm, "OpenAI " + llm.model(), false);
            }
            case "anthropic" -> new Demo(AnthropicLLM.builder()
                    .model(model != null ? model : "claude-sonnet-4-5").build(), "Anthropic", false);
            case "gemini" -> new Demo(GeminiLLM.builder()
                    .model(model != null ? model : "gemini-2.5-flash").build(), "Gemini", false);
            case "ollama" -> new Demo(OllamaLLM.builder()
                    .model(model != null ? model : "llama3.2").build(), "Ollama (local)", false);
            default -> throw new IllegalArgumentException("unknown --provider " + provider
                    + "; use openai, anthropic, gemini, ollama or offline");
        };
    }

    /** Returns the offline demo model, starting its loopback server on first use. */
    public static Demo offline() {
        OfflineModelServer server = offlineServer();
        LLM llm = OpenAILLM.builder()
                .baseUrl(server.baseUrl())
                .apiKey("offline-demo")
                .model(OfflineModelServer.MODEL)
                .build();
        return new Demo(llm, "the offline demo model (no API key set; a local OpenAI-compatible server at "
                + server.baseUrl() + "; set OPENAI_API_KEY or pass --provider for a real one)", true);
    }

    /** Returns the JVM's offline demo server, starting it on first use. */
    public static OfflineModelServer offlineServer() {
        OFFLINE_LOCK.lock();
        try {
            if (offline == null) {
                offline = OfflineModelServer.start(pace());
                OfflineModelServer started = offline;
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(started::close));
            }
            return offline;
        } finally {
            OFFLINE_LOCK.unlock();
        }
    }

    /**
     * Stops the JVM's offline demo server if one was started. A {@code main} calls it last: the JDK's HTTP server
     * keeps a non-daemon dispatcher thread that would otherwise hold the JVM open.
     */
    public static void shutdown() {
        OFFLINE_LOCK.lock();
        try {
            if (offline != null) {
                offline.close();
                offline = null;
            }
        } finally {
            OFFLINE_LOCK.unlock();
        }
    }

    /** Returns the chosen model. */
    public LLM model() {
        return llm;
    }

    /** Returns a one-line description of the model, for a banner. */
    public String description() {
        return description;
    }

    /** Returns whether this is the offline demo model. */
    public boolean isOffline() {
        return isOffline;
    }

    private static Duration pace() {
        String p = System.getProperty("synapsekit.offline.tokenDelay");
        if (p == null || p.isBlank()) {
            return DEFAULT_OFFLINE_PACE;
        }
        String t = p.trim().toLowerCase(Locale.ROOT);
        long ms = Long.parseLong(t.endsWith("ms") ? t.substring(0, t.length() - 2) : t);
        return Duration.ofMillis(ms);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
