package io.synapsekit.examples;

import io.synapsekit.llm.LLM;
import io.synapsekit.rag.RAG;
import java.io.PrintStream;
import java.util.stream.Stream;

/** Guide section 2: RAG pipeline streaming; retrieval finishes before the first token. */
public final class Section2Rag {

    private Section2Rag() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.llm(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static void run(LLM llm, PrintStream out) {
        // tag::rag-stream[]
        RAG rag = new RAG(llm);
        rag.add("SynapseKit supports streaming by default across all LLM providers.",
                "The RAG pipeline retrieves context before generating an answer.",
                "Streaming reduces time-to-first-token, improving perceived latency.");

        out.print("Answer: ");
        try (Stream<String> tokens = rag.stream("What does SynapseKit support?")) {
            tokens.forEach(t -> { out.print(t); out.flush(); });
        }
        out.println();
        // end::rag-stream[]
    }
}
