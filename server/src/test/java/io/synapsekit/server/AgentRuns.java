package io.synapsekit.server;

import io.synapsekit.agent.AgentEvent;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.graph.NodeUpdate;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.tool.ToolResult;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Graph runs with an agent node, for the tests of the frontend protocols' encoders. */
public final class AgentRuns {

    private AgentRuns() {
    }

    /**
     * An agent node that thinks, streams the arguments of one tool call, starts it and a second one, gets a result
     * and an error back, then answers.
     */
    public static Stream<GraphEvent> weatherLookup() {
        LLMEvent.ToolCall call = new LLMEvent.ToolCall(0, "call-1", "get_weather", "{\"city\":\"Paris\"}");
        LLMEvent.ToolCall failing = new LLMEvent.ToolCall(1, "call-2", "get_meetings", "{}");
        Map<String, @Nullable Object> state = Map.of("answer", "Take an umbrella");
        return Stream.of(
                new GraphEvent.NodeStarted("assistant"),
                new GraphEvent.Agent("assistant", new AgentEvent.StepStarted(1)),
                new GraphEvent.Agent("assistant", new AgentEvent.Thinking(1, "Rain?")),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolCallDelta(1,
                        new LLMEvent.ToolCallDelta(0, "call-1", "get_weather", "{\"city\":"))),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolCallDelta(1,
                        new LLMEvent.ToolCallDelta(0, null, null, "\"Paris\"}"))),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolStarted(1, call)),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolStarted(1, failing)),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolFinished(1, call,
                        ToolResult.success("{\"sky\":\"rain\"}"))),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolFinished(1, failing,
                        ToolResult.error("date: missing"))),
                new GraphEvent.Agent("assistant", new AgentEvent.StepFinished(1, new LLMEvent.Usage(10, 5),
                        "tool_calls")),
                new GraphEvent.Token("assistant", "Take an umbrella"),
                new GraphEvent.NodeFinished(new NodeUpdate("assistant", state, state)),
                new GraphEvent.Done(state));
    }
}
