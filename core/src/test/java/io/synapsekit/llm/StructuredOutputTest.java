package io.synapsekit.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Mode { TRAIN, CAR, PLANE }

    record Stop(String city, int nights, List<String> sights, double rating) {}

    record Budget(int total, String currency) {}

    record Trip(String title, String summary, List<Stop> stops, Budget budget, Mode mode, @Nullable String note) {}

    static final Trip TRIP = new Trip("A slow tour of Europe",
            "Two weeks by train through old towns, with time for museums, markets and long lunches in between.",
            IntStream.range(0, 15).mapToObj(i -> new Stop("City number " + i, 1 + i % 3,
                    List.of("the cathedral of city " + i, "the market hall", "a walk by the river"), 4.0 + i / 10.0))
                    .toList(),
            new Budget(3200, "EUR"), Mode.TRAIN, null);

    /** An LLM that answers every request with {@code events}, recording the options it was asked with. */
    static final class Scripted implements LLM {
        final List<GenerateOptions> asked = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();
        private final List<LLMEvent> events;

        Scripted(List<LLMEvent> events) {
            this.events = events;
        }

        @Override
        public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
            asked.add(options);
            Iterator<LLMEvent> it = events.iterator();
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
                    closed.set(true);
                }
            };
        }
    }

    private static List<LLMEvent> oneByteTokens(String json) {
        List<LLMEvent> events = new ArrayList<>();
        json.codePoints().forEach(cp -> events.add(new LLMEvent.Token(new String(Character.toChars(cp)))));
        events.add(new LLMEvent.Finish("stop"));
        return events;
    }

    @Test
    void aTwoKilobyteAnswerInOneByteChunksGivesManyPartialsThenTheWholeAnswer() throws Exception {
        String json = JSON.writeValueAsString(TRIP);
        assertThat(json.length()).isGreaterThanOrEqualTo(2048);
        Scripted llm = new Scripted(oneByteTokens(json));

        List<Trip> partials;
        try (Stream<Trip> s = llm.streamObjects("Plan a trip", Trip.class)) {
            partials = s.toList();
        }
        Trip generated = llm.generate("Plan a trip", Trip.class);

        assertThat(new HashSet<>(partials)).hasSizeGreaterThanOrEqualTo(20);
        assertThat(partials.get(partials.size() - 1)).isEqualTo(generated).isEqualTo(TRIP);
        for (int i = 1; i < partials.size(); i++) {
            Trip before = partials.get(i - 1);
            Trip after = partials.get(i);
            int stopsBefore = before.stops() == null ? 0 : before.stops().size();
            assertThat(after.stops() == null ? 0 : after.stops().size()).as("stops only grow")
                    .isGreaterThanOrEqualTo(stopsBefore);
            if (before.title() != null) {
                assertThat(after.title()).as("a completed field never changes").isEqualTo(TRIP.title());
            }
        }
        assertThat(partials.get(0).title()).isEqualTo(TRIP.title());
        assertThat(partials.get(0).summary()).as("a string arrives only whole").isNull();
        assertThat(llm.asked).allSatisfy(o -> assertThat(o.responseSchema()).hasValueSatisfying(r -> {
            assertThat(r.name()).isEqualTo("Trip");
            assertThat(r.jsonSchema()).contains("\"stops\"").contains("\"enum\":[\"TRAIN\",\"CAR\",\"PLANE\"]");
        }));
        assertThat(llm.closed).isTrue();
    }

    @Test
    void anAnswerThroughAForcedToolIsReadFromItsArguments() throws Exception {
        String json = JSON.writeValueAsString(TRIP);
        List<LLMEvent> events = new ArrayList<>(List.of(new LLMEvent.ToolCallDelta(0, "toolu_1", "Trip", "")));
        for (int i = 0; i < json.length(); i += 7) {
            events.add(new LLMEvent.ToolCallDelta(0, null, null, json.substring(i, Math.min(json.length(), i + 7))));
        }
        events.add(new LLMEvent.ToolCall(0, "toolu_1", "Trip", json));
        Scripted llm = new Scripted(events);

        assertThat(llm.generate("Plan a trip", Trip.class)).isEqualTo(TRIP);
        try (Stream<Trip> s = llm.streamObjects("Plan a trip", Trip.class)) {
            List<Trip> partials = s.toList();
            assertThat(partials).hasSizeGreaterThan(20).last().isEqualTo(TRIP);
        }
    }

    @Test
    void aRefusalIsATypedErrorCarryingItsText() {
        Scripted llm = new Scripted(List.of(new LLMEvent.Refusal("I can't "), new LLMEvent.Refusal("help with that."),
                new LLMEvent.Finish("stop")));

        assertThatThrownBy(() -> llm.generate("?", Trip.class)).isInstanceOfSatisfying(
                StructuredOutputException.class, e -> {
                    assertThat(e.isRefusal()).isTrue();
                    assertThat(e.rawText()).isEqualTo("I can't help with that.");
                    assertThat(e.partialResult().refusal()).isEqualTo("I can't help with that.");
                });
        try (Stream<Trip> s = llm.streamObjects("?", Trip.class)) {
            assertThatThrownBy(s::toList).isInstanceOfSatisfying(StructuredOutputException.class,
                    e -> assertThat(e.isRefusal()).isTrue());
        }
    }

    @Test
    void aSchemaViolationIsATypedErrorCarryingTheRawText() {
        String missing = "{\"title\":\"t\",\"summary\":\"s\",\"stops\":[],\"mode\":\"TRAIN\"}";
        String wrongType = "{\"title\":\"t\",\"summary\":\"s\",\"stops\":[],\"budget\":{\"total\":\"lots\","
                + "\"currency\":\"EUR\"},\"mode\":\"TRAIN\"}";
        String cut = "{\"title\":\"t\",\"summ";

        for (String raw : List.of(missing, wrongType, cut)) {
            Scripted llm = new Scripted(oneByteTokens(raw));
            assertThatThrownBy(() -> llm.generate("?", Trip.class)).as(raw)
                    .isInstanceOfSatisfying(StructuredOutputException.class, e -> {
                        assertThat(e.isRefusal()).isFalse();
                        assertThat(e.rawText()).isEqualTo(raw);
                    });
            try (Stream<Trip> s = llm.streamObjects("?", Trip.class)) {
                assertThatThrownBy(s::toList).as(raw).isInstanceOfSatisfying(StructuredOutputException.class,
                        e -> assertThat(e.rawText()).isEqualTo(raw));
            }
        }
        Scripted missingBudget = new Scripted(oneByteTokens(missing));
        assertThatThrownBy(() -> missingBudget.generate("?", Trip.class))
                .hasMessageContaining("missing required property $.budget");
    }
}
