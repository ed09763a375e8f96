package io.synapsekit.agent;

import io.synapsekit.internal.Observers;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.stream.CloseableIterator;
import io.synapsekit.stream.QueueTokenBridge;
import io.synapsekit.tool.Tool;
import io.synapsekit.tool.ToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model that calls tools in a loop until it answers: each step streams the model's answer, runs the tool calls
 * it makes, sends their results back, and asks again.
 *
 * <pre>{@code
 * Agent agent = Agent.builder(llm).tools(weather, calendar).maxSteps(5).build();
 * try (Stream<String> answer = agent.stream("Do I need an umbrella for my next meeting?")) {
 *     answer.forEach(System.out::print);
 * }
 * }</pre>
 *
 * <p>A tool starts as soon as the model has written its call, while the model may still be writing the others;
 * the calls of one step run concurrently, each on its own virtual thread. A tool that fails, an unknown tool name and
 * arguments that do not bind are sent back to the model as an error result it can correct, never thrown.
 *
 * <p>Each run is a stream to close: it holds a virtual thread that runs the loop, the model's HTTP connection while a
 * step streams, and the threads of running tools. Closing it (or reading it to its end, or a failure) releases them:
 * the model call is cancelled on the wire and running tools are interrupted. When the model still calls tools after
 * {@link Builder#maxSteps(int) maxSteps} steps, the stream fails with a {@link MaxStepsExceededException} that keeps
 * the transcript. A model error fails the stream with its {@link io.synapsekit.llm.LLMException}, after the events
 * before it.
 *
 * <p>With {@linkplain Builder#listener listeners}, each run is observed as {@link Work#AGENT_RUN} work, child of
 * what is current where the run starts, and each tool execution as {@link Work#TOOL_CALL} work named by the tool,
 * child of the run and current on the tool's thread; the model calls are observed by the LLM's own listeners.
 *
 * <p>Immutable and thread-safe: share one agent; each call of {@link #events} or {@link #stream} is its own run.
 */
public final class Agent {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final int QUEUE_CAPACITY = 256;

    private final LLM llm;
    private final Map<String, Tool> tools;
    private final int maxSteps;
    private final GenerateOptions options;
    private final List<LLMListener> listeners;

    private Agent(Builder b) {
        this.listeners = Observers.with(b.listeners);
        this.llm = b.llm;
        this.tools = Map.copyOf(b.tools);
        this.maxSteps = b.maxSteps;
        this.options = b.options.toBuilder().tools(b.tools.values().stream().map(Tool::spec).toList()).build();
    }

    /** Returns a builder of an agent that asks {@code llm}. */
    public static Builder builder(LLM llm) {
        return new Builder(Objects.requireNonNull(llm, "llm"));
    }

    /** Returns the most steps a run may take. */
    public int maxSteps() {
        return maxSteps;
    }

    /** Returns the tools the model may call, by name. */
    public Map<String, Tool> tools() {
        return tools;
    }

    /**
     * Streams the model's text of every step of a run for {@code prompt}. Close the stream, or read it to its end.
     */
    public Stream<String> stream(String prompt) {
        return events(prompt).mapMulti((e, out) -> {
            if (e instanceof AgentEvent.Token t) {
                out.accept(t.text());
            }
        });
    }

    /** Streams every event of a run for {@code prompt}. Close the stream, or read it to its end. */
    public Stream<AgentEvent> events(String prompt) {
        return events(List.of(ChatMessage.user(Objects.requireNonNull(prompt, "prompt"))));
    }

    /** Streams every event of a run that continues {@code conversation}. Close the stream, or read it to its end. */
    public Stream<AgentEvent> events(List<ChatMessage> conversation) {
        return eventIterator(conversation).stream();
    }

    /**
     * Starts a run that continues {@code conversation} and returns its events as an iterator to close. The run
     * starts at once, on its own virtual thread.
     */
    public CloseableIterator<AgentEvent> eventIterator(List<ChatMessage> conversation) {
        List<ChatMessage> start = List.copyOf(conversation);
        if (start.isEmpty()) {
            throw new IllegalArgumentException("conversation must not be empty");
        }
        WorkListener observed = Observers.work(listeners, new Work(Work.AGENT_RUN, "")); // the caller's child
        return QueueTokenBridge.start("synapsekit-agent", QUEUE_CAPACITY, sink -> {
            Throwable failure = null;
            try (Scope scope = observed.enter()) {
                new Run(start, sink).run();
            } catch (Throwable t) {
                failure = t;
                throw t;
            } finally {
                observed.finished(failure);
            }
        });
    }

    /** One run of the loop, on the bridge's thread. */
    private final class Run {
        private final List<ChatMessage> transcript;
        private final QueueTokenBridge.Sink<AgentEvent> sink;
        private @Nullable Integer promptTokens;
        private @Nullable Integer completionTokens;

        Run(List<ChatMessage> start, QueueTokenBridge.Sink<AgentEvent> sink) {
            this.transcript = new ArrayList<>(start);
            this.sink = sink;
        }

        void run() throws InterruptedException {
            for (int step = 1; step <= maxSteps; step++) {
                sink.accept(new AgentEvent.StepStarted(step));
                Step s = new Step(step);
                try {
                    s.stream();
                    s.awaitTools();
                } finally {
                    s.stopTools();
                }
                sink.accept(new AgentEvent.StepFinished(step, s.usage, s.finishReason));
                add(s.usage);
                if (s.calls.isEmpty()) {
                    String answer = s.text.toString();
                    transcript.add(ChatMessage.assistant(answer));
                    sink.accept(new AgentEvent.Finished(step, answer, total(), transcript));
                    return;
                }
                transcript.add(ChatMessage.assistant(s.text.toString(), s.calls));
                for (int i = 0; i < s.calls.size(); i++) {
                    ToolResult result = s.results.get(i).get();
                    transcript.add(result.error() ? ChatMessage.toolError(s.calls.get(i).id(), result.content())
                            : ChatMessage.toolResult(s.calls.get(i).id(), result.content()));
                }
            }
            throw new MaxStepsExceededException(maxSteps, transcript, total());
        }

        private void add(LLMEvent.@Nullable Usage usage) {
            if (usage == null) {
                return;
            }
            if (usage.promptTokens() != null) {
                promptTokens = (promptTokens == null ? 0 : promptTokens) + usage.promptTokens();
            }
            if (usage.completionTokens() != null) {
                completionTokens = (completionTokens == null ? 0 : completionTokens) + usage.completionTokens();
            }
        }

        private LLMEvent.Usage total() {
            return new LLMEvent.Usage(promptTokens, completionTokens);
        }

        /** One model call and the tools it calls. */
        private final class Step {
            final int number;
            final StringBuilder text = new StringBuilder();
            final List<LLMEvent.ToolCall> calls = new ArrayList<>();
            // One slot per call, each written by its tool's thread and read after joining it.
            final List<AtomicReference<ToolResult>> results = new ArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            LLMEvent.@Nullable Usage usage;
            String finishReason = "";

            Step(int number) {
                this.number = number;
            }

            void stream() throws InterruptedException {
                // A copy: the transcript grows after this call, and an LLM may keep the list it was given.
                try (CloseableIterator<LLMEvent> events = llm.eventIterator(List.copyOf(transcript), options)) {
                    while (events.hasNext()) {
                        switch (events.next()) {
                            case LLMEvent.Token t -> {
                                text.append(t.text());
                                sink.accept(new AgentEvent.Token(number, t.text()));
                            }
                            case LLMEvent.Thinking t -> sink.accept(new AgentEvent.Thinking(number, t.text()));
                            case LLMEvent.Refusal r -> sink.accept(new AgentEvent.Refusal(number, r.text()));
                            case LLMEvent.ToolCallDelta d -> sink.accept(new AgentEvent.ToolCallDelta(number, d));
                            case LLMEvent.ToolCall c -> start(c);
                            case LLMEvent.Usage u -> usage = u;
                            case LLMEvent.Finish f -> finishReason = f.reason();
                            case LLMEvent.Raw r -> { }
                        }
                    }
                }
            }

            /** Starts the tool of {@code call} on its own virtual thread, after announcing it. */
            private void start(LLMEvent.ToolCall call) throws InterruptedException {
                calls.add(call);
                AtomicReference<ToolResult> slot = new AtomicReference<>(ToolResult.error(call.name()
                        + " did not finish"));
                results.add(slot);
                sink.accept(new AgentEvent.ToolStarted(number, call));
                // Started here, where the run's context is current, so the tool's work is the run's child.
                WorkListener work = Observers.work(listeners, new Work(Work.TOOL_CALL, call.name()));
                Thread t = Thread.ofVirtual().name("synapsekit-agent-tool-" + call.name()).unstarted(() -> {
                    ToolResult result = observed(work, call);
                    slot.set(result);
                    try {
                        sink.accept(new AgentEvent.ToolFinished(number, call, result));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the run was closed: nobody reads the event
                    }
                });
                t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught failure in tool thread {}", th.getName(),
                        e));
                threads.add(t);
                t.start();
            }

            /** Invokes the tool of {@code call} inside {@code work}, which ends with the failure, if any. */
            private ToolResult observed(WorkListener work, LLMEvent.ToolCall call) {
                Throwable failure = null;
                try (Scope scope = work.enter()) {
                    ToolResult result = invoke(call);
                    if (result.error()) {
                        failure = new ToolCallException(result.content());
                    }
                    return result;
                } catch (RuntimeException | Error e) {
                    failure = e;
                    throw e;
                } finally {
                    work.finished(failure);
                }
            }

            private ToolResult invoke(LLMEvent.ToolCall call) {
                Tool tool = tools.get(call.name());
                if (tool == null) {
                    return ToolResult.error("no tool named '" + call.name() + "'; the tools are "
                            + tools.keySet().stream().sorted().toList());
                }
                return tool.call(call.arguments());
            }

            void awaitTools() throws InterruptedException {
                for (Thread t : threads) {
                    t.join();
                }
            }

            /** Interrupts tools still running: the run was cancelled or failed. */
            void stopTools() {
                for (Thread t : threads) {
                    if (t.isAlive()) {
                        t.interrupt();
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Agent[tools=" + tools.keySet().stream().sorted().toList() + ", maxSteps=" + maxSteps + "]";
    }

    /** A builder of {@link Agent}. Not thread-safe. */
    public static final class Builder {
        private final LLM llm;
        private final Map<String, Tool> tools = new LinkedHashMap<>();
        private int maxSteps = 10;
        private GenerateOptions options = GenerateOptions.defaults();
        private final List<LLMListener> listeners = new ArrayList<>();

        private Builder(LLM llm) {
            this.llm = llm;
        }

        /** Adds tools the model may call. */
        public Builder tools(Tool... tools) {
            return tools(List.of(tools));
        }

        /**
         * Adds tools the model may call.
         *
         * @throws IllegalArgumentException when two tools share a name
         */
        public Builder tools(List<Tool> tools) {
            for (Tool t : tools) {
                if (this.tools.putIfAbsent(t.name(), t) != null) {
                    throw new IllegalArgumentException("two tools are named '" + t.name() + "'");
                }
            }
            return this;
        }

        /** Sets the most steps (model calls) a run may take, at least 1; default 10. */
        public Builder maxSteps(int maxSteps) {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be at least 1: " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /** Sets the system prompt. */
        public Builder system(String system) {
            this.options = options.toBuilder().system(Objects.requireNonNull(system, "system")).build();
            return this;
        }

        /** Sets the options of every model call; their tools are replaced by this agent's. */
        public Builder options(GenerateOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Adds a listener that observes each run as {@link Work#AGENT_RUN} work and each tool execution within it
         * as {@link Work#TOOL_CALL} work (the model calls are observed by the LLM's own listeners, inside the run's).
         * Listeners found with {@link java.util.ServiceLoader} observe every agent without being added.
         */
        public Builder listener(LLMListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Returns the agent. */
        public Agent build() {
            return new Agent(this);
        }
    }
}
