package io.synapsekit.graph;

import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Node} that asks an {@link LLM}: it reads its prompt from the state (the value at
 * {@link #promptKey(String) promptKey}, default {@code "input"}, or a {@link #promptTemplate(String) promptTemplate} filled from
 * the state) and writes the answer to {@link #outputKey(String) outputKey}, default {@code "output"}.
 *
 * <pre>{@code
 * graph.addNode("research", LlmNode.of(llm).promptKey("topic").outputKey("research"));
 * graph.addNode("summarize", LlmNode.of(llm).promptTemplate("Summarise: {research}").outputKey("summary")
 *         .system("Be brief."));
 * }</pre>
 *
 * <p>Inside a token stream ({@link GraphStreams#streamTokens}, {@link CompiledGraph#events}, SSE, WebSocket) that
 * wants this node's tokens, it streams them live to the reader as they arrive, and after them what else the model
 * sent, each as its own event: {@link GraphEvent.Thinking}, {@link GraphEvent.Refusal}, one
 * {@link GraphEvent.ToolCall} per call, {@link GraphEvent.Usage} (token streams leave these out: their tokens are
 * answer text only); otherwise it generates the whole answer. Only the answer text goes into the state; after a
 * refusal it is {@code ""}. Either way it blocks its thread; when the run is cancelled the thread is interrupted and the LLM
 * stream is closed, which releases the HTTP connection.
 *
 * <p>Immutable and thread-safe: each method returns a changed copy.
 */
public final class LlmNode implements Node {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

    private final LLM llm;
    private final String promptKey;
    private final String outputKey;
    private final @Nullable String system;
    private final GenerateOptions options;
    private final @Nullable String template;
    private final @Nullable String answerKey;

    private LlmNode(LLM llm, String promptKey, String outputKey, @Nullable String system, GenerateOptions options,
            @Nullable String template, @Nullable String answerKey) {
        this.llm = llm;
        this.promptKey = promptKey;
        this.outputKey = outputKey;
        this.system = system;
        this.options = options;
        this.template = template;
        this.answerKey = answerKey;
    }

    /** Returns a node asking {@code llm} the state's {@code "input"}, writing to {@code "output"}. */
    public static LlmNode of(LLM llm) {
        return new LlmNode(Objects.requireNonNull(llm, "llm"), "input", "output", null, GenerateOptions.defaults(),
                null, null);
    }

    /** Returns a copy that reads its prompt from {@code key}. */
    public LlmNode promptKey(String key) {
        return new LlmNode(llm, nonBlank(key, "promptKey"), outputKey, system, options, template, answerKey);
    }

    /** Returns a copy that writes its answer to {@code key}. */
    public LlmNode outputKey(String key) {
        return new LlmNode(llm, promptKey, nonBlank(key, "outputKey"), system, options, template, answerKey);
    }

    /**
     * Returns a copy that sends {@code system} as the system prompt, overriding one set in the
     * {@link #options(GenerateOptions) options}; {@code ""} sends none.
     */
    public LlmNode system(String system) {
        return new LlmNode(llm, promptKey, outputKey, Objects.requireNonNull(system, "system"), options, template,
                answerKey);
    }

    /** Returns a copy that sends each request with {@code options}. */
    public LlmNode options(GenerateOptions options) {
        return new LlmNode(llm, promptKey, outputKey, system, Objects.requireNonNull(options, "options"), template,
                answerKey);
    }

    /**
     * Returns a copy whose prompt is {@code template} with each {@code {key}} replaced by the state's value for
     * that key; it then ignores {@link #promptKey(String)}. A key missing from the state fails the node, naming it.
     */
    public LlmNode promptTemplate(String template) {
        return new LlmNode(llm, promptKey, outputKey, system, options,
                Objects.requireNonNull(template, "promptTemplate"), answerKey);
    }

    /**
     * Returns a copy that also keeps the whole answer in the state under {@code key}, as an {@link LlmAnswer}: the
     * text, thinking, refusal, tool calls, usage and finish reason, which {@link #outputKey(String) outputKey}'s
     * text alone drops.
     */
    public LlmNode answerKey(String key) {
        return new LlmNode(llm, promptKey, outputKey, system, options, template, nonBlank(key, "answerKey"));
    }

    /**
     * Asks the LLM and returns {@code {outputKey: answer}}, with the whole {@link LlmAnswer} under
     * {@link #answerKey(String) answerKey} when set; streams the tokens when a reader wants them.
     */
    @Override
    public Map<String, @Nullable Object> apply(Map<String, @Nullable Object> state) throws InterruptedException {
        String prompt = prompt(state);
        GenerateOptions opts = system == null ? options
                : options.toBuilder().system(system.isEmpty() ? null : system).build();
        TokenSink sink = TokenSink.current();
        if (outputKey.equals(answerKey)) {
            throw new IllegalArgumentException("answerKey and outputKey are both '" + outputKey + "'");
        }
        if (sink == null && answerKey == null) {
            return Map.of(outputKey, llm.generate(prompt, opts));
        }
        try (LLMStream answer = llm.open(prompt, opts)) {
            while (answer.hasNext()) {
                String token = answer.next();
                if (sink != null) {
                    sink.emit(token);
                }
            }
            if (sink != null) {
                sendSideEvents(answer, sink);
            }
            return answerKey == null ? Map.of(outputKey, answer.text())
                    : Map.of(outputKey, answer.text(), answerKey, LlmAnswer.of(answer));
        }
    }

    /**
     * Sends what the answer carried besides its text. The LLM stream collects these beside the tokens, so they are
     * sent whole once the answer has ended, as RAG sends its refusal and usage; nothing is added per token.
     */
    private static void sendSideEvents(LLMStream answer, TokenSink sink) throws InterruptedException {
        String node = sink.node();
        String thinking = answer.thinking();
        if (!thinking.isEmpty()) {
            sink.send(new GraphEvent.Thinking(node, thinking));
        }
        String refusal = answer.refusal();
        if (!refusal.isEmpty()) {
            sink.send(new GraphEvent.Refusal(node, refusal));
        }
        for (LLMEvent.ToolCall call : answer.toolCalls()) {
            sink.send(new GraphEvent.ToolCall(node, call));
        }
        Optional<LLMEvent.Usage> usage = answer.usage();
        if (usage.isPresent()) {
            sink.send(new GraphEvent.Usage(node, usage.get().promptTokens(), usage.get().completionTokens()));
        }
    }

    private String prompt(Map<String, @Nullable Object> state) {
        if (template == null) {
            Object value = state.get(promptKey);
            if (value == null) {
                throw new IllegalArgumentException("the state has no value for promptKey '" + promptKey
                        + "'; keys: " + state.keySet());
            }
            return value.toString();
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            Object value = state.get(key);
            if (value == null) {
                throw new IllegalArgumentException("template placeholder {" + key + "} has no value in the state; keys: "
                        + state.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String nonBlank(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }

    @Override
    public String toString() {
        return "LlmNode[" + (template == null ? "promptKey=" + promptKey : "promptTemplate") + ", outputKey="
                + outputKey + "]";
    }
}
