package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README cannot go stale: every Java block marked {@code <!-- snippet: path#tag -->} must equal the
 * {@code tag::tag[]} … {@code end::tag[]} region of that compiled file, indentation removed.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MARKED_BLOCK = Pattern.compile(
            "<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n\\s*```java\\n(.*?)\\n\\s*```", Pattern.DOTALL);

    record Snippet(String file, String tag, String readmeText) {}

    static List<Snippet> snippets() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<Snippet> out = new ArrayList<>();
        Matcher m = MARKED_BLOCK.matcher(readme);
        while (m.find()) {
            out.add(new Snippet(m.group(1), m.group(2), m.group(3)));
        }
        return out;
    }

    @Test
    void everyMarkedReadmeBlockIsItsCompiledRegion() throws IOException {
        List<Snippet> snippets = snippets();
        assertThat(snippets).as("README snippets marked with <!-- snippet: file#tag -->").hasSizeGreaterThan(3);
        for (Snippet s : snippets) {
            assertThat(dedent(s.readmeText()))
                    .as("README block for %s#%s", s.file(), s.tag())
                    .isEqualTo(region(ROOT.resolve(s.file()), s.tag()));
        }
    }

    @Test
    void aChangedRegionIsNoticed() {
        // The comparison above must be able to fail: a one-character change is a mismatch.
        assertThat(dedent("  a\n    b")).isEqualTo("a\n  b").isNotEqualTo(dedent("  a\n    c"));
    }

    static String region(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("tag::" + tag + "[]")) {
                start = i + 1;
            } else if (lines.get(i).contains("end::" + tag + "[]")) {
                end = i;
            }
        }
        assertThat(start).as("tag::%s[] in %s", tag, file).isPositive();
        assertThat(end).as("end::%s[] in %s", tag, file).isGreaterThanOrEqualTo(start);
        return dedent(String.join("\n", lines.subList(start, end)));
    }

    static String dedent(String text) {
        List<String> lines = text.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).map(String::stripTrailing)
                .collect(Collectors.joining("\n")).strip();
    }
}
