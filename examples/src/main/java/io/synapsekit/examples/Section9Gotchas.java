package io.synapsekit.examples;

import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Guide section 9: the gotchas. There is no event loop to misuse and {@code generate} is the buffering call by
 * name; what remains is flushing per token and keeping the partial text of an interrupted stream.
 */
public final class Section9Gotchas {

    private Section9Gotchas() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.choose(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static void run(Demo demo, PrintStream out) {
        LLM llm = demo.model();
        out.println("generate() buffers, by name: " + llm.generate("Explain RAG in one sentence").length()
                + " characters arrived at once.");
        out.println();
        // An interruption midway: with the offline model the server drops the connection after 12 tokens; with a
        // real provider this thread is interrupted after 12 tokens. Either way the partial text survives.
        String partial = demo.isOffline()
                ? safeStream(llm, "Tell me about RAG in three sentences",
                        GenerateOptions.builder().model(OfflineModelServer.MODEL + ":drop-after-12").build(), out)
                : interruptedAfter(llm, 12, out);
        out.println("Partial result kept: \"" + partial + "\"");
    }

    // tag::safe-stream[]
    static String safeStream(LLM llm, String prompt, GenerateOptions options, PrintStream out) {
        try (Stream<String> tokens = llm.stream(prompt, options)) {
            return tokens.peek(t -> { out.print(t); out.flush(); })
                         .collect(Collectors.joining());
        } catch (LLMException e) {
            out.println("\nStream interrupted: " + e.getMessage());
            return e.partialText();   // what arrived before the failure
        }
    }
    // end::safe-stream[]

    private static String interruptedAfter(LLM llm, int n, PrintStream out) {
        AtomicInteger seen = new AtomicInteger();
        try (Stream<String> tokens = llm.stream("Tell me about RAG in three sentences")) {
            return tokens.peek(t -> {
                out.print(t);
                out.flush();
                if (seen.incrementAndGet() == n) {
                    Thread.currentThread().interrupt();   // as a cancel button would
                }
            }).collect(Collectors.joining());
        } catch (CancelledException e) {
            Thread.interrupted();   // clear the flag we set ourselves
            out.println("\nStream interrupted: " + e.getMessage());
            return e.partialText();
        }
    }
}
