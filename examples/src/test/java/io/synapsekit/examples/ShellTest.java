package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jshell entry runs a script non-interactively against the offline demo model, in a JVM of its own. */
class ShellTest {

    @Test
    void theFirstPromptCanStreamFromLlm(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("tour.jsh");
        Files.writeString(script, """
                try (var tokens = llm.stream("Tell me about RAG in three sentences")) { tokens.forEach(System.out::print); }
                System.out.println();
                try (var tokens = llm.stream("Explain RAG in one sentence")) { System.out.println("tokens=" + tokens.count()); }
                var graph = new StateGraph().addNode("answer", LlmNode.of(llm)).setEntryPoint("answer").compile();
                System.out.println("graph=" + graph.invoke(Map.of("input", "What is SSE?")).get("output").toString().length());
                var rag = new RAG(llm);
                rag.add("SynapseKit streams tokens from Java.");
                System.out.println("rag=" + rag.ask("What does SynapseKit stream?").length());
                /exit
                """);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", classPath.replace(File.pathSeparator + File.pathSeparator,
                        File.pathSeparator), "-Dsynapsekit.offline.tokenDelay=0",
                "io.synapsekit.examples.Shell", script.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("jshell exited; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SynapseKit jshell: `llm` is the offline demo model")
                .contains("Retrieval-Augmented Generation (RAG) is a technique")
                .containsPattern("tokens=\\d{2,}").containsPattern("graph=[1-9]\\d*")
                .containsPattern("rag=[1-9]\\d*").doesNotContain("Error:").doesNotContain("cannot find symbol");
    }
}
