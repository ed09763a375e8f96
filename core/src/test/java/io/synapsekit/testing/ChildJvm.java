package io.synapsekit.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a JVM of its own, with a class path of exactly the locations given: to see what the library
 * does where the test's class path does not hold (no SLF4J provider, as in jshell or a servlet container without a
 * binding).
 */
public final class ChildJvm {

    /** What the child did. */
    public record Outcome(boolean exited, int exitValue, String stdout, String stderr) {
    }

    private ChildJvm() {
    }

    /**
     * Runs {@code main} (a class of the test classes, copied alone into {@code dir}) with the code sources of
     * {@code classPathOf} on the class path, and waits up to a minute for it to end.
     */
    public static Outcome run(Path dir, Class<?> main, Class<?>... classPathOf) throws Exception {
        String mainClass = main.getName().replace('.', '/') + ".class";
        Files.createDirectories(dir.resolve(mainClass).getParent());
        try (InputStream in = main.getClassLoader().getResourceAsStream(mainClass)) {
            Files.copy(in, dir.resolve(mainClass));
        }
        List<String> classPath = new ArrayList<>();
        for (Class<?> type : classPathOf) {
            classPath.add(Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        classPath.add(dir.toString());
        // java.home's launcher, not this process's command: a JDK may be started through a wrapper or a loader.
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, classPath), main.getName())
                .start();
        CompletableFuture<String> out = read(child.getInputStream());
        CompletableFuture<String> err = read(child.getErrorStream());
        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        return new Outcome(exited, exited ? child.exitValue() : -1, out.get(10, TimeUnit.SECONDS),
                err.get(10, TimeUnit.SECONDS));
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "read failed: " + e;
            }
        }, command -> Thread.ofVirtual().start(command));
    }
}
