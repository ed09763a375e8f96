package io.synapsekit.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.tool.Tool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** An agent's run and tool calls as observed work: parented like spans, entered on the threads that do them. */
class AgentObservationTest {

    record City(String city) {}

    private static final Tool WEATHER = Tool.of("get_weather", "Weather in a city", City.class,
            c -> "{\"sky\":\"sunny\"}");
    private static final Tool BROKEN = Tool.of("broken", "Always fails", City.class, c -> {
        throw new IllegalStateException("no sky today");
    });

    /** Records each work's parent (the work current where it started), threads entered and failure. */
    static final class Recorder implements LLMListener {
        final ThreadLocal<@Nullable String> current = new ThreadLocal<>();
        final Map<String, String> parents = new ConcurrentHashMap<>();
        final Map<String, String> enteredOn = new ConcurrentHashMap<>();
        final Map<String, String> failures = new ConcurrentHashMap<>();
        final List<String> finished = new CopyOnWriteArrayList<>();

        @Override
        public LLMCallListener callStarted(LLMCall call) {
            return LLMCallListener.NONE;
        }

        @Override
        public WorkListener workStarted(Work work) {
            String id = work.kind() + " " + work.name();
            String parent = current.get();
            parents.put(id, parent == null ? "(root)" : parent);
            return new WorkListener() {
                @Override
                public Scope enter() {
                    String before = current.get();
                    current.set(id);
                    enteredOn.put(id, Thread.currentThread().getName());
                    return () -> current.set(before);
                }

                @Override
                public void finished(@Nullable Throwable failure) {
                    if (failure != null) {
                        failures.put(id, failure.getMessage());
                    }
                    finished.add(id);
                }
            };
        }
    }

    @Test
    void eachToolCallIsWorkUnderTheRunEnteredOnTheToolsThreadAndEndsWithItsFailure() {
        ScriptedLLM llm = new ScriptedLLM()
                .then(ScriptedLLM.call(0, "c1", "get_weather", "{\"city\":\"Oslo\"}"),
                        ScriptedLLM.call(1, "c2", "broken", "{\"city\":\"Oslo\"}"))
                .then(new LLMEvent.Token("Sunny."));
        Recorder recorder = new Recorder();
        Agent agent = Agent.builder(llm).tools(WEATHER, BROKEN).listener(recorder).build();

        try (Stream<String> s = agent.stream("Oslo?")) {
            assertThat(s.toList()).containsExactly("Sunny.");
        }

        assertThat(recorder.parents).containsExactlyInAnyOrderEntriesOf(Map.of(
                "invoke_agent ", "(root)",
                "execute_tool get_weather", "invoke_agent ",
                "execute_tool broken", "invoke_agent "));
        assertThat(recorder.enteredOn).containsEntry("execute_tool get_weather", "synapsekit-agent-tool-get_weather")
                .containsEntry("execute_tool broken", "synapsekit-agent-tool-broken");
        assertThat(recorder.enteredOn.get("invoke_agent ")).startsWith("synapsekit-agent");
        assertThat(recorder.failures).containsOnlyKeys("execute_tool broken");
        assertThat(recorder.failures.get("execute_tool broken")).contains("no sky today");
        assertThat(recorder.finished).containsExactlyInAnyOrder("execute_tool get_weather", "execute_tool broken",
                "invoke_agent ").endsWith("invoke_agent ");
    }

    @Test
    void aRunThatFailsEndsItsWorkWithTheFailure() {
        ScriptedLLM llm = new ScriptedLLM().then(ScriptedLLM.call(0, "c1", "get_weather", "{\"city\":\"Oslo\"}"));
        Recorder recorder = new Recorder();
        Agent agent = Agent.builder(llm).tools(WEATHER).maxSteps(1).listener(recorder).build();

        try (Stream<String> s = agent.stream("Oslo?")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(s::toList)
                    .isInstanceOf(MaxStepsExceededException.class);
        }

        assertThat(recorder.finished).endsWith("invoke_agent ");
        assertThat(recorder.failures).containsOnlyKeys("invoke_agent ");
    }
}
