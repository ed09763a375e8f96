package io.synapsekit.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.tool.JavaShellToolBuilder;

/**
 * Opens jshell with SynapseKit on the class path, the common imports loaded and {@code llm} defined (the offline
 * demo model unless a key or {@code --provider} says otherwise), so that at the first prompt
 * {@code llm.stream("…").forEach(System.out::print)} works.
 *
 * <p>Arguments after the class name go to jshell as they are: a script file runs non-interactively (end it with
 * {@code /exit}).
 */
public final class Shell {

    private Shell() {
    }

    public static void main(String[] args) throws Exception {
        Path startup = Files.createTempFile("synapsekit-", ".jsh");
        startup.toFile().deleteOnExit();
        try (InputStream in = Shell.class.getResourceAsStream("/synapsekit.jsh")) {
            if (in == null) {
                throw new IllegalStateException("synapsekit.jsh is missing from the class path");
            }
            Files.writeString(startup, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        List<String> jshellArgs = new ArrayList<>(List.of(
                "--class-path", System.getProperty("java.class.path"),
                "--startup", "DEFAULT",
                "--startup", startup.toString(),
                // Snippets run in this JVM: it has the class path already and starts at once.
                "--execution", "local"));
        jshellArgs.addAll(List.of(args));
        int status;
        try {
            status = JavaShellToolBuilder.builder().start(jshellArgs.toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException("jshell failed to start", e);
        }
        System.exit(status);
    }
}
