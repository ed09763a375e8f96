package io.synapsekit.examples;

import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMStream;
import java.io.PrintStream;
import java.util.stream.Stream;

/** Guide section 1: token-level LLM streaming, collecting the full response, streaming with a system prompt. */
public final class Section1TokenStreaming {

    private Section1TokenStreaming() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.llm(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static void run(LLM llm, PrintStream out) {
        streamTokens(llm, out);
        out.println();
        String whole = streamAndCollect(llm, "What is a vector database?", out);
        out.println("(collected " + whole.length() + " characters)");
        out.println();
        streamWithSystemPrompt(llm, out);
    }

    static void streamTokens(LLM llm, PrintStream out) {
        // tag::token-streaming[]
        try (Stream<String> tokens = llm.stream("Tell me about RAG in three sentences")) {
            tokens.forEach(t -> { out.print(t); out.flush(); });
        }
        out.println();
        // end::token-streaming[]
    }

    // tag::stream-and-collect[]
    static String streamAndCollect(LLM llm, String prompt, PrintStream out) {
        try (LLMStream answer = llm.open(prompt)) {
            answer.forEachRemaining(t -> {
                out.print(t);
                out.flush();
            });
            out.println();
            return answer.text();   // the whole answer
        }
    }
    // end::stream-and-collect[]

    static void streamWithSystemPrompt(LLM llm, PrintStream out) {
        // tag::system-prompt[]
        try (Stream<String> tokens = llm.stream("Summarize quantum computing",
                GenerateOptions.system("You are a science communicator. Be concise."))) {
            tokens.forEach(t -> { out.print(t); out.flush(); });
        }
        out.println();
        // end::system-prompt[]
    }
}
