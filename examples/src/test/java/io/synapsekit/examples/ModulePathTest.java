package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.examples.offline.OfflineModelServer;
import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library on the module path, as a modular application uses it: a probe module that requires only
 * {@code io.synapsekit.core} streams from the offline model through the JDK transport, which module resolution
 * binds through core's {@code uses} and the transport's {@code provides} (nothing names it); and the qualified
 * exports hold: a module that is not ours can neither compile against {@code io.synapsekit.internal} nor reach it
 * by reflection.
 */
class ModulePathTest {

    /** The modules the probe needs, as jars (or class directories) from this test's class path. */
    private static final List<String> MODULES = List.of("synapsekit-core", "core/target/classes",
            "synapsekit-transport-jdk", "transport-jdk/target/classes", "jackson-databind", "jackson-core",
            "jackson-annotations", "slf4j-api");

    private static String modulePath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> found = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            String unix = entry.replace('\\', '/');
            boolean wanted = MODULES.stream().anyMatch(m -> m.contains("/") ? unix.endsWith(m)
                    : Path.of(entry).getFileName().toString().startsWith(m + "-")
                            && unix.endsWith(".jar") && !unix.endsWith("-tests.jar"));
            if (wanted) {
                found.add(entry);
            }
        }
        assertThat(found).as("module path from %s", classPath).hasSize(6);
        return String.join(File.pathSeparator, found);
    }

    private static final String MODULE_INFO = "module probe { requires io.synapsekit.core; }";

    private static final String MAIN = """
            package probe;

            import io.synapsekit.llm.LLM;
            import io.synapsekit.llm.openai.OpenAILLM;
            import java.util.stream.Collectors;
            import java.util.stream.Stream;

            public class Main {
                public static void main(String[] args) throws Exception {
                    LLM llm = OpenAILLM.builder().baseUrl(args[0]).apiKey("offline-demo").model(args[1]).build();
                    try (Stream<String> tokens = llm.stream("What is RAG?")) {
                        System.out.println("answer=" + tokens.collect(Collectors.joining()).length());
                    }
                    Module core = LLM.class.getModule();
                    System.out.println("named=" + core.isNamed());
                    System.out.println("internalExported=" + core.isExported("io.synapsekit.internal",
                            Main.class.getModule()));
                    Class<?> json = Class.forName("io.synapsekit.internal.Json");
                    try {
                        json.getDeclaredMethod("object").invoke(null);
                        System.out.println("internalReachable=true");
                    } catch (IllegalAccessException e) {
                        System.out.println("internalReachable=false");
                    }
                }
            }
            """;

    @Test
    void aModularAppFindsTheTransportAndCannotReachInternals(@TempDir Path dir) throws Exception {
        String modulePath = modulePath();
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("probe"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("probe/Main.java"), MAIN);
        Path out = dir.resolve("out");
        String errors = compile(modulePath, out, src.resolve("module-info.java"), src.resolve("probe/Main.java"));
        assertThat(errors).as("the probe compiles against the exported API").isEmpty();

        try (OfflineModelServer model = OfflineModelServer.start(Duration.ZERO)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "--module-path", modulePath + File.pathSeparator + out,
                    "--module", "probe/probe.Main", model.baseUrl(), OfflineModelServer.MODEL)
                    .redirectErrorStream(true).start();
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!exited) {
                p.destroyForcibly();
            }
            assertThat(exited).as("probe exited; output:%n%s", output).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).containsPattern("answer=[1-9]\\d+").contains("named=true")
                    .contains("internalExported=false").contains("internalReachable=false");
        }
    }

    @Test
    void aModuleThatIsNotOursCannotCompileAgainstInternals(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("probe"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("probe/Sneaky.java"), """
                package probe;
                public class Sneaky {
                    Object json = io.synapsekit.internal.Json.object();
                }
                """);

        String errors = compile(modulePath(), dir.resolve("out"), src.resolve("module-info.java"),
                src.resolve("probe/Sneaky.java"));

        assertThat(errors).contains("io.synapsekit.internal").containsPattern("not visible|does not export");
    }

    /** Compiles {@code sources} as a module on {@code modulePath}; returns the compiler's errors ("" when none). */
    private static String compile(String modulePath, Path out, Path... sources) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Files.createDirectories(out);
        StringWriter errors = new StringWriter();
        List<String> options = List.of("--module-path", modulePath, "-d", out.toString(), "--release", "21",
                "-proc:none");
        var task = javac.getTask(errors, null, null, options, null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(sources));
        boolean ok = task.call();
        return ok ? "" : errors.toString();
    }
}
