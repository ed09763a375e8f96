package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.agent.Agent;
import io.synapsekit.agent.AgentEvent;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.tool.Tool;
import io.synapsekit.tool.ToolResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An agent as a graph node, over a loopback OpenAI-compatible server: its events in the graph's event stream. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentNodeTest {

    record Query(String q) {}

    private final MockWebServer server = new MockWebServer();
    private Agent agent;

    @BeforeEach
    void start() throws Exception {
        server.start();
        LLM llm = OpenAIStreams.llm(server);
        agent = Agent.builder(llm).tools(Tool.of("lookup", "Looks up", Query.class, q -> "42")).maxSteps(3).build();
    }

    @AfterEach
    void stop() throws Exception {
        Threads.awaitNoneOfOurs();
        server.close();
    }

    private static MockResponse toolCall() {
        String body = OpenAIStreams.chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"\"}}]}",
                "null")
                + OpenAIStreams.chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"q\\\":\\\"x\\\"}\"}}]}",
                        "null")
                + OpenAIStreams.chunk("{}", "\"tool_calls\"") + "data: [DONE]\n\n";
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    private CompiledGraph single() {
        return new StateGraph().addNode("assistant", AgentNode.of(agent).promptKey("question").outputKey("answer"))
                .setEntryPoint("assistant").setFinishPoint("assistant").compile();
    }

    @Test
    void theAgentsEventsAreGraphEvents() {
        server.enqueue(toolCall());
        server.enqueue(OpenAIStreams.answer("It is ", "42."));
        List<GraphEvent> events;
        try (Stream<GraphEvent> s = single().events(Map.of("question", "What is x?"))) {
            events = s.toList();
        }

        LLMEvent.ToolCall call = new LLMEvent.ToolCall(0, "call_1", "lookup", "{\"q\":\"x\"}");
        assertThat(events).contains(
                new GraphEvent.Agent("assistant", new AgentEvent.StepStarted(1)),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolStarted(1, call)),
                new GraphEvent.Agent("assistant", new AgentEvent.ToolFinished(1, call, ToolResult.success("42"))),
                new GraphEvent.Token("assistant", "It is "),
                new GraphEvent.Token("assistant", "42."));
        assertThat(events).filteredOn(e -> e instanceof GraphEvent.Agent a && a.event() instanceof AgentEvent.Token)
                .as("text travels as graph tokens only").isEmpty();
        assertThat(events).filteredOn(e -> e instanceof GraphEvent.Agent a
                && a.event() instanceof AgentEvent.Finished f && f.answer().equals("It is 42.")).hasSize(1);
        assertThat(events.get(events.size() - 2)).isInstanceOfSatisfying(GraphEvent.NodeFinished.class,
                f -> assertThat(f.update().update()).isEqualTo(Map.of("answer", "It is 42.")));
        assertThat(events.get(events.size() - 1)).isInstanceOf(GraphEvent.Done.class);
    }

    @Test
    void withoutAReaderTheNodeWritesTheFinalAnswer() {
        server.enqueue(toolCall());
        server.enqueue(OpenAIStreams.answer("It is ", "42."));

        assertThat(single().invoke(Map.of("question", "What is x?"))).containsEntry("answer", "It is 42.");
        server.enqueue(toolCall());
        server.enqueue(OpenAIStreams.answer("Still ", "42."));
        try (Stream<String> tokens = GraphStreams.streamTokens(single(), Map.of("question", "again"))) {
            assertThat(tokens).containsExactly("Still ", "42.");
        }
    }
}
