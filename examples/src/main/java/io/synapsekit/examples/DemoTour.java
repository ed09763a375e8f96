package io.synapsekit.examples;

import java.io.PrintStream;

/**
 * The demo tour: the guide's terminal sections, one after another, tokens appearing as they stream. Runs against
 * the offline demo model unless a key or {@code --provider} says otherwise (see {@link Demo}), then prints how to
 * serve the web demo.
 */
public final class DemoTour {

    /** The second invocation: serves the web demo (sections 5, 6 and 7) until Ctrl-C. */
    static final String WEB_DEMO_COMMAND = "mvn -q -Pdemo verify -Ddemo.main=io.synapsekit.examples.WebDemo";

    private DemoTour() {
    }

    public static void main(String[] args) {
        try {
            run(Demo.choose(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    static void run(Demo demo, PrintStream out) {
        out.println("SynapseKit for Java: the streaming guide, live.");
        out.println("Model: " + demo.description());
        section(out, "1. Token-level LLM streaming");
        Section1TokenStreaming.run(demo.model(), out);
        section(out, "2. RAG pipeline streaming: retrieval first, then the answer's tokens");
        Section2Rag.run(demo.model(), out);
        section(out, "3. Graph node-level streaming");
        Section3GraphUpdates.run(out);
        section(out, "4. Token-level streaming from graph LLM nodes (single node, then research -> summarize)");
        Section4GraphTokens.run(demo.model(), out);
        section(out, "8. Streaming with a progress callback, counting tokens");
        Section8ProgressCallback.run(demo.model(), out);
        section(out, "9. Gotchas: generate() buffers; an interrupted stream keeps its partial text");
        Section9Gotchas.run(demo, out);
        out.println();
        out.println("Done. Sections 5-7 (SSE, WebSocket, the browser page) are the web demo; serve it with");
        out.println("  " + WEB_DEMO_COMMAND);
        out.println("and open http://localhost:8080/ . Open jshell with the library loaded:");
        out.println("  mvn -q -Pdemo verify -Ddemo.main=io.synapsekit.examples.Shell");
        out.flush();
    }

    static void section(PrintStream out, String title) {
        out.println();
        out.println("== " + title + " " + "=".repeat(Math.max(3, 72 - title.length())));
    }
}
