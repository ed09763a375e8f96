package io.synapsekit.examples;

import io.synapsekit.agent.Agent;
import io.synapsekit.agent.AgentEvent;
import io.synapsekit.llm.LLM;
import io.synapsekit.tool.Tool;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A weather-and-calendar agent: two tools, the loop, and its events as they happen; then a structured answer
 * streamed as partial records. Runs against {@link Demo#llm(String...)}: OpenAI when {@code OPENAI_API_KEY} is set.
 */
public final class AgentExample {

    private AgentExample() {
    }

    public static void main(String[] args) {
        run(Demo.llm(args), System.out);
    }

    // tag::agent[]
    record City(String city) {}
    record Day(String date) {}

    static Agent assistant(LLM llm) {
        Tool weather = Tool.of("get_weather", "Today's weather in a city", City.class,
                c -> Map.of("city", c.city(), "sky", "rain", "celsius", 14));
        Tool calendar = Tool.of("get_meetings", "The user's meetings on a date, YYYY-MM-DD", Day.class,
                d -> List.of(Map.of("time", "10:00", "title", "Design review", "city", "Paris")));
        return Agent.builder(llm).tools(weather, calendar).maxSteps(4).build();
    }

    static void run(LLM llm, PrintStream out) {
        try (Stream<AgentEvent> events = assistant(llm).events("Do I need an umbrella for my meetings on 2026-12-08?")) {
            events.forEach(e -> {
                switch (e) {
                    case AgentEvent.ToolStarted s -> out.println("-> " + s.call().name() + " " + s.call().arguments());
                    case AgentEvent.ToolFinished f -> out.println("<- " + f.result().content());
                    case AgentEvent.Token t -> out.print(t.text());
                    default -> { }
                }
            });
        }
    }
    // end::agent[]

    // tag::objects[]
    record Packing(String destination, List<String> items, boolean umbrella) {}

    static void pack(LLM llm, PrintStream out) {
        try (Stream<Packing> partials = llm.streamObjects("Packing list for a rainy day in Paris", Packing.class)) {
            partials.forEach(p -> out.println(p.items() == null ? 0 : p.items().size()));   // grows as the model writes
        }
        Packing whole = llm.generate("Packing list for a rainy day in Paris", Packing.class);
        out.println(whole.umbrella());
    }
    // end::objects[]
}
