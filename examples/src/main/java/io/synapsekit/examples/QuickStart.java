package io.synapsekit.examples;

import io.synapsekit.llm.LLM;
import java.util.stream.Stream;

/** The README's first snippet: stream one answer, with no key and no network. */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) {
        try {
            // tag::quickstart[]
            LLM llm = Demo.llm();   // OpenAILLM when OPENAI_API_KEY is set, otherwise the offline demo model
            try (Stream<String> tokens = llm.stream("Explain SSE in one sentence")) {
                tokens.forEach(t -> { System.out.print(t); System.out.flush(); });
            }
            System.out.println();
            // end::quickstart[]
        } finally {
            Demo.shutdown();
        }
    }
}
