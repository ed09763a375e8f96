package io.synapsekit.examples;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A durable graph run that pauses for a person: a draft, an approval step that asks, then the send. The run's
 * events end with {@link GraphEvent.Interrupted}; {@code resume} continues it with the person's answer. With
 * {@code JdbcCheckpointer.of(dataSource)} (module {@code synapsekit-checkpoint-jdbc}) in place of the memory
 * checkpointer, the resume may come from another JVM, after a restart.
 */
public final class DurableApproval {

    private DurableApproval() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        // tag::durable-approval[]
        CompiledGraph graph = new StateGraph()
                .addNode("draft", s -> Map.of("draft", "Dear customer, your refund is on its way."))
                .addNode("review", s -> {
                    // Pauses the run; on resume this node runs again from its start and ask returns the answer.
                    Object verdict = Interrupt.ask(Map.of("draft", s.get("draft")));
                    return Map.of("final", "approve".equals(verdict) ? s.get("draft") : verdict);
                })
                .addNode("send", s -> Map.of("sent", s.get("final")))
                .addEdge("draft", "review").addEdge("review", "send").setEntryPoint("draft")
                .compile()
                .withCheckpointer(new MemoryCheckpointer());   // or JdbcCheckpointer.of(dataSource)

        try (Stream<GraphEvent> events = graph.events("ticket-42", Map.of())) {
            events.forEach(e -> {
                if (e instanceof GraphEvent.Interrupted i) {
                    out.println("needs approval at " + i.node() + ": " + i.payload());
                }
            });
        }
        // later, perhaps in another request or another JVM:
        try (Stream<GraphEvent> events = graph.resume("ticket-42", "approve")) {
            events.forEach(e -> {
                if (e instanceof GraphEvent.Done d) {
                    out.println("sent: " + d.state().get("sent"));
                }
            });
        }
        out.println("checkpoints: " + graph.history("ticket-42").size());
        // end::durable-approval[]
    }

    /** The lines {@link #run} prints, for the test. */
    static List<String> expected() {
        return List.of("needs approval at review: {draft=Dear customer, your refund is on its way.}",
                "sent: Dear customer, your refund is on its way.", "checkpoints: 6");
    }
}
