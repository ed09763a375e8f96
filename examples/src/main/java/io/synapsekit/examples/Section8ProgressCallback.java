package io.synapsekit.examples;

import io.synapsekit.llm.LLM;
import io.synapsekit.rag.RAG;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Guide section 8: a progress callback per token, and the real count of tokens streamed. */
public final class Section8ProgressCallback {

    private Section8ProgressCallback() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.llm(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static int run(LLM llm, PrintStream out) {
        // tag::progress[]
        RAG rag = new RAG(llm);
        rag.add("SynapseKit is a Java library for building LLM applications.");

        AtomicInteger tokenCount = new AtomicInteger();
        Consumer<String> onToken = token -> {
            tokenCount.incrementAndGet();
            out.print(token);
            out.flush();
        };
        try (Stream<String> tokens = rag.stream("What is SynapseKit?")) {
            tokens.forEach(onToken);
        }
        out.println("\n\nTotal tokens streamed: " + tokenCount.get());
        // end::progress[]
        return tokenCount.get();
    }
}
