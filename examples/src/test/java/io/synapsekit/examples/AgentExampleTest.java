package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.stream.CloseableIterator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's agent and partial-objects snippets, against a model that answers as a real one would. */
class AgentExampleTest {

    /** Answers each request with the next script, and records the conversations it was sent. */
    static final class Scripted implements LLM {
        final List<List<ChatMessage>> seen = new ArrayList<>();
        private final Deque<List<LLMEvent>> scripts = new ArrayDeque<>();

        Scripted then(LLMEvent... events) {
            scripts.add(List.of(events));
            return this;
        }

        @Override
        public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
            seen.add(messages);
            Iterator<LLMEvent> it = scripts.remove().iterator();
            return new CloseableIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public LLMEvent next() {
                    return it.next();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static String capture(java.util.function.Consumer<PrintStream> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            body.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theAgentCallsBothToolsAndAnswersFromTheirResults() {
        Scripted llm = new Scripted()
                .then(new LLMEvent.ToolCall(0, "c1", "get_meetings", "{\"date\":\"2026-12-08\"}"))
                .then(new LLMEvent.ToolCall(0, "c2", "get_weather", "{\"city\":\"Paris\"}"))
                .then(new LLMEvent.Token("Yes: rain in Paris "), new LLMEvent.Token("for your 10:00 review."));

        String out = capture(o -> AgentExample.run(llm, o));

        assertThat(out).contains("-> get_meetings {\"date\":\"2026-12-08\"}")
                .contains("<- [{\"").contains("\"title\":\"Design review\"")
                .contains("-> get_weather {\"city\":\"Paris\"}").contains("\"sky\":\"rain\"")
                .endsWith("Yes: rain in Paris for your 10:00 review.");
        assertThat(llm.seen.get(2)).extracting(ChatMessage::role).containsExactly(ChatMessage.Role.USER,
                ChatMessage.Role.ASSISTANT, ChatMessage.Role.TOOL, ChatMessage.Role.ASSISTANT, ChatMessage.Role.TOOL);
    }

    @Test
    void thePackingListGrowsThenArrivesWhole() {
        String json = "{\"destination\":\"Paris\",\"items\":[\"umbrella\",\"boots\",\"coat\"],\"umbrella\":true}";
        List<LLMEvent> oneByOne = new ArrayList<>();
        json.chars().forEach(c -> oneByOne.add(new LLMEvent.Token(String.valueOf((char) c))));
        Scripted llm = new Scripted().then(oneByOne.toArray(LLMEvent[]::new)).then(new LLMEvent.Token(json));

        String out = capture(o -> AgentExample.pack(llm, o));

        assertThat(out.lines().toList()).containsExactly("0", "1", "2", "3", "3", "3", "3", "true");
    }
}
