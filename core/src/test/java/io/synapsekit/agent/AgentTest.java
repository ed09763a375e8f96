package io.synapsekit.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.tool.Tool;
import io.synapsekit.tool.ToolResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AgentTest {

    record City(String city) {}

    private static final Tool WEATHER = Tool.of("get_weather", "Weather in a city", City.class,
            c -> "{\"city\":\"" + c.city() + "\",\"sky\":\"sunny\"}");

    @Test
    void aTwoStepLoopStreamsEveryEventAndSendsTheResultsBack() {
        ScriptedLLM llm = new ScriptedLLM()
                .then(new LLMEvent.Token("Checking. "),
                        new LLMEvent.ToolCallDelta(0, "c1", "get_weather", "{\"city\":"),
                        new LLMEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
                        ScriptedLLM.call(0, "c1", "get_weather", "{\"city\":\"Paris\"}"),
                        new LLMEvent.Finish("tool_calls"), new LLMEvent.Usage(10, 5))
                .then(new LLMEvent.Thinking("sunny, so"), new LLMEvent.Token("Sunny"), new LLMEvent.Token("!"),
                        new LLMEvent.Finish("stop"), new LLMEvent.Usage(20, 2));
        Agent agent = Agent.builder(llm).tools(WEATHER).maxSteps(3).build();

        List<AgentEvent> events;
        try (Stream<AgentEvent> s = agent.events("Weather in Paris?")) {
            events = s.toList();
        }

        LLMEvent.ToolCall call = ScriptedLLM.call(0, "c1", "get_weather", "{\"city\":\"Paris\"}");
        ToolResult result = ToolResult.success("{\"city\":\"Paris\",\"sky\":\"sunny\"}");
        List<ChatMessage> transcript = List.of(ChatMessage.user("Weather in Paris?"),
                ChatMessage.assistant("Checking. ", List.of(call)), ChatMessage.toolResult("c1", result.content()),
                ChatMessage.assistant("Sunny!"));
        assertThat(events).containsExactly(
                new AgentEvent.StepStarted(1),
                new AgentEvent.Token(1, "Checking. "),
                new AgentEvent.ToolCallDelta(1, new LLMEvent.ToolCallDelta(0, "c1", "get_weather", "{\"city\":")),
                new AgentEvent.ToolCallDelta(1, new LLMEvent.ToolCallDelta(0, null, null, "\"Paris\"}")),
                new AgentEvent.ToolStarted(1, call),
                new AgentEvent.ToolFinished(1, call, result),
                new AgentEvent.StepFinished(1, new LLMEvent.Usage(10, 5), "tool_calls"),
                new AgentEvent.StepStarted(2),
                new AgentEvent.Thinking(2, "sunny, so"),
                new AgentEvent.Token(2, "Sunny"),
                new AgentEvent.Token(2, "!"),
                new AgentEvent.StepFinished(2, new LLMEvent.Usage(20, 2), "stop"),
                new AgentEvent.Finished(2, "Sunny!", new LLMEvent.Usage(30, 7), transcript));
        assertThat(llm.requests.get(1)).isEqualTo(transcript.subList(0, 3));
        assertThat(llm.options.get(0).tools()).containsExactly(WEATHER.spec());
    }

    @Test
    void streamGivesTheTextOfEveryStep() {
        ScriptedLLM llm = new ScriptedLLM()
                .then(new LLMEvent.Token("One moment. "), ScriptedLLM.call(0, "c1", "get_weather", "{\"city\":\"Oslo\"}"))
                .then(new LLMEvent.Token("Sunny."));
        try (Stream<String> s = Agent.builder(llm).tools(WEATHER).build().stream("Oslo?")) {
            assertThat(s.toList()).containsExactly("One moment. ", "Sunny.");
        }
    }

    @Test
    void anUnknownToolAndBadArgumentsGoBackToTheModelAsErrors() {
        ScriptedLLM llm = new ScriptedLLM()
                .then(ScriptedLLM.call(0, "c1", "get_wether", "{}"), ScriptedLLM.call(1, "c2", "get_weather", "{}"))
                .then(new LLMEvent.Token("Sorry."));
        try (Stream<AgentEvent> s = Agent.builder(llm).tools(WEATHER).build().events("?")) {
            assertThat(s.toList()).last().isInstanceOf(AgentEvent.Finished.class);
        }

        assertThat(llm.requests.get(1)).containsSubsequence(
                ChatMessage.toolError("c1", "no tool named 'get_wether'; the tools are [get_weather]"),
                ChatMessage.toolError("c2", "invalid arguments for get_weather: missing required property $.city"));
    }

    @Test
    void reachingMaxStepsIsATypedErrorKeepingTheTranscript() {
        ScriptedLLM llm = new ScriptedLLM()
                .then(ScriptedLLM.call(0, "c1", "get_weather", "{\"city\":\"Rome\"}"))
                .then(ScriptedLLM.call(0, "c2", "get_weather", "{\"city\":\"Rome\"}"));
        Agent agent = Agent.builder(llm).tools(WEATHER).maxSteps(2).build();

        try (Stream<AgentEvent> s = agent.events("Rome?")) {
            assertThatThrownBy(s::toList).isInstanceOfSatisfying(MaxStepsExceededException.class, e -> {
                assertThat(e.maxSteps()).isEqualTo(2);
                assertThat(e.getMessage()).contains("2 steps").contains("get_weather");
                assertThat(e.transcript()).hasSize(5);
                assertThat(e.transcript().get(4)).isEqualTo(ChatMessage.toolResult("c2",
                        "{\"city\":\"Rome\",\"sky\":\"sunny\"}"));
            });
        }
    }

    @Test
    void theBuilderRejectsBadSettings() {
        ScriptedLLM llm = new ScriptedLLM();
        assertThatThrownBy(() -> Agent.builder(llm).maxSteps(0)).hasMessageContaining("maxSteps must be at least 1: 0");
        assertThatThrownBy(() -> Agent.builder(llm).tools(WEATHER, WEATHER))
                .hasMessageContaining("two tools are named 'get_weather'");
    }
}
