package io.synapsekit.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Node test project under {@code src/test/node}: installs its locked dependencies ({@code npm ci}, only when
 * {@code node_modules} is missing or older than the lock file) and runs a script, each bounded in time and killed
 * when over. Where Node is absent the test is skipped, except in CI or with {@code SYNAPSEKIT_REQUIRE_BROWSER} set,
 * where it fails.
 */
public final class NodeProject {

    private final Path dir;

    public NodeProject(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** Skips the calling test where Node or npm is absent, unless CI requires them. */
    public static void assumeNode() {
        boolean present = onPath("node") && onPath("npm");
        boolean required = System.getenv("CI") != null || System.getenv("SYNAPSEKIT_REQUIRE_BROWSER") != null;
        if (required && !present) {
            throw new AssertionError("node and npm are required here (CI or SYNAPSEKIT_REQUIRE_BROWSER) but absent");
        }
        assumeTrue(present, "node and npm not on PATH: Node tests skipped");
    }

    /** Runs {@code npm ci} unless {@code node_modules} is newer than {@code package-lock.json}. */
    public void install(Duration timeout) throws Exception {
        Path marker = dir.resolve("node_modules/.package-lock.json");
        if (Files.exists(marker) && Files.getLastModifiedTime(marker)
                .compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) >= 0) {
            return;
        }
        String out = run(timeout, "npm", "ci", "--no-audit", "--no-fund");
        if (!Files.exists(marker)) {
            throw new AssertionError("npm ci left no node_modules in " + dir + ": " + out);
        }
    }

    /** Runs {@code command} in the project, returning its standard output; fails on a non-zero exit or timeout. */
    public String run(Duration timeout, String... command) throws Exception {
        Path stdout = Files.createTempFile("node-out", ".txt");
        Path stderr = Files.createTempFile("node-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(String.join(" ", command) + " took over " + timeout + ": "
                            + tail(stderr));
                }
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + tail(stderr)
                        + tail(stdout));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.length() > 4_000 ? "…" + s.substring(s.length() - 4_000) : s;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        return dirs.stream().anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
