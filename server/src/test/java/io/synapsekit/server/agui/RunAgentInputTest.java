package io.synapsekit.server.agui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.LLMEvent;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RunAgentInput.parse: what HttpAgent sends is read whole; each bad body is refused naming the field. */
class RunAgentInputTest {

    /** The body @ag-ui/client 1.0's HttpAgent sends, with one message of each role. */
    static final String FULL = """
            {"threadId":"t1","runId":"r1","protocolVersion":"1.0","parentRunId":"r0",
             "state":{"topic":"SSE","n":2,"nested":{"l":[1,"two",null]}},
             "messages":[
               {"id":"m0","role":"developer","content":"Be brief."},
               {"id":"m1","role":"system","content":"You answer."},
               {"id":"m2","role":"user","content":"Hi"},
               {"id":"m3","role":"assistant","content":"Hello","toolCalls":[
                  {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
               {"id":"m4","role":"tool","content":"sunny","toolCallId":"call_1"},
               {"id":"m5","role":"activity","activityType":"progress","content":{"pct":50}},
               {"id":"m6","role":"reasoning","content":"thinking"},
               {"id":"m7","role":"user","content":[{"type":"text","text":"And "},
                  {"type":"image","source":{"type":"url","value":"http://x/y.png"}},{"type":"text","text":"now?"}]}],
             "tools":[{"name":"weather","description":"Weather by city","parameters":{"type":"object"}}],
             "context":[{"description":"user name","value":"Ada"}],
             "forwardedProps":{"k":[1,2]}}
            """;

    @Test
    void readsEveryFieldHttpAgentSends() {
        RunAgentInput input = RunAgentInput.parse(FULL);

        assertThat(input.threadId()).isEqualTo("t1");
        assertThat(input.runId()).isEqualTo("r1");
        assertThat(input.parentRunId()).isEqualTo("r0");
        assertThat(input.state()).containsEntry("topic", "SSE").containsEntry("n", 2)
                .containsEntry("nested", Map.of("l", java.util.Arrays.asList(1, "two", null)));
        assertThat(input.messages()).extracting(RunAgentInput.Message::role).containsExactly(
                RunAgentInput.Role.DEVELOPER, RunAgentInput.Role.SYSTEM, RunAgentInput.Role.USER,
                RunAgentInput.Role.ASSISTANT, RunAgentInput.Role.TOOL, RunAgentInput.Role.ACTIVITY,
                RunAgentInput.Role.REASONING, RunAgentInput.Role.USER);
        assertThat(input.messages().get(3).toolCalls())
                .containsExactly(new LLMEvent.ToolCall(0, "call_1", "weather", "{\"city\":\"Oslo\"}"));
        assertThat(input.messages().get(4).toolCallId()).isEqualTo("call_1");
        assertThat(input.lastUserText()).contains("And now?");
        assertThat(input.chatMessages()).containsExactly(
                ChatMessage.system("Context from the application:\n- user name: Ada"),
                ChatMessage.system("Be brief."), ChatMessage.system("You answer."), ChatMessage.user("Hi"),
                ChatMessage.assistant("Hello",
                        List.of(new LLMEvent.ToolCall(0, "call_1", "weather", "{\"city\":\"Oslo\"}"))),
                ChatMessage.toolResult("call_1", "sunny"), ChatMessage.user("And now?"));
        assertThat(input.tools()).containsExactly(new RunAgentInput.Tool("weather", "Weather by city",
                "{\"type\":\"object\"}"));
        assertThat(input.toolSpecs().get(0).parametersJsonSchema()).isEqualTo("{\"type\":\"object\"}");
        assertThat(input.context()).containsExactly(new RunAgentInput.Context("user name", "Ada"));
        assertThat(input.forwardedProps()).isEqualTo(Map.of("k", List.of(1, 2)));
    }

    @Test
    void theMinimalBodyHasEmptyDefaults() {
        RunAgentInput input = RunAgentInput.parse("{\"threadId\":\"t\",\"runId\":\"r\",\"messages\":[],\"state\":null}");

        assertThat(input.state()).isEmpty();
        assertThat(input.tools()).isEmpty();
        assertThat(input.context()).isEmpty();
        assertThat(input.forwardedProps()).isNull();
        assertThat(input.lastUserText()).isEmpty();
    }

    record Bad(String body, String field, String says) {
        @Override
        public String toString() {
            return field + ": " + says;
        }
    }

    static Stream<Bad> badBodies() {
        String ok = "\"threadId\":\"t\",\"runId\":\"r\"";
        return Stream.of(
                new Bad("not json", "", "not valid JSON"),
                new Bad("[1]", "", "must be a JSON object (a RunAgentInput), got an array"),
                new Bad("{\"runId\":\"r\",\"messages\":[]}", "threadId", "is missing"),
                new Bad("{\"threadId\":7,\"runId\":\"r\",\"messages\":[]}", "threadId", "got a number"),
                new Bad("{" + ok + "}", "messages", "must be an array of messages, got nothing"),
                new Bad("{" + ok + ",\"messages\":[{\"id\":\"a\",\"role\":\"robot\",\"content\":\"x\"}]}",
                        "messages[0].role", "got \"robot\""),
                new Bad("{" + ok + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "messages[0].id",
                        "is missing"),
                new Bad("{" + ok + ",\"messages\":[{\"id\":\"a\",\"role\":\"user\"}]}", "messages[0].content",
                        "is missing"),
                new Bad("{" + ok + ",\"messages\":[{\"id\":\"a\",\"role\":\"user\",\"content\":[{\"type\":\"gif\"}]}]}",
                        "messages[0].content[0].type", "got \"gif\""),
                new Bad("{" + ok + ",\"messages\":[{\"id\":\"a\",\"role\":\"tool\",\"content\":\"x\"}]}",
                        "messages[0].toolCallId", "is missing"),
                new Bad("{" + ok + ",\"messages\":[{\"id\":\"a\",\"role\":\"assistant\",\"toolCalls\":"
                        + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}]}",
                        "messages[0].toolCalls[0].function.arguments", "is missing"),
                new Bad("{" + ok + ",\"messages\":[],\"state\":[1]}", "state", "must be a JSON object"),
                new Bad("{" + ok + ",\"messages\":[],\"tools\":[{\"name\":\"f\"}]}", "tools[0].description",
                        "is missing"),
                new Bad("{" + ok + ",\"messages\":[],\"tools\":[{\"name\":\"f\",\"description\":\"d\","
                        + "\"parameters\":\"x\"}]}", "tools[0].parameters", "must be a JSON Schema object"),
                new Bad("{" + ok + ",\"messages\":[],\"context\":[{\"description\":\"d\"}]}", "context[0].value",
                        "is missing"));
    }

    @ParameterizedTest
    @MethodSource("badBodies")
    void refusesABadBodyNamingTheField(Bad bad) {
        assertThatThrownBy(() -> RunAgentInput.parse(bad.body()))
                .isInstanceOfSatisfying(InvalidRunInputException.class, e -> {
                    assertThat(e.field()).isEqualTo(bad.field());
                    assertThat(e.getMessage()).startsWith(bad.field().isEmpty() ? "" : bad.field() + ": ")
                            .contains(bad.says());
                });
    }

    @Test
    void aDeeplyNestedBodyIsRefusedNotStackOverflowed() {
        String deep = "{\"threadId\":\"t\",\"runId\":\"r\",\"messages\":[],\"state\":{\"a\":" + "[".repeat(5000)
                + "]".repeat(5000) + "}}";

        assertThatThrownBy(() -> RunAgentInput.parse(deep)).isInstanceOf(InvalidRunInputException.class)
                .hasMessageContaining("not valid JSON");
    }
}
