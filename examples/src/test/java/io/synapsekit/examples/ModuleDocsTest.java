package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each published module's page in {@code docs/} names every public type of the module, as its checked-in API
 * listing has them, and describes no type that is not there: the pages cannot fall behind the code.
 */
class ModuleDocsTest {

    private static final Pattern TYPE_LINE = Pattern.compile(
            "^public (?:(?:final|abstract|sealed|static) )*(?:class|interface|record|enum|@interface) ([\\w.]+)");
    /** The first cell of a table row: the type it describes. */
    private static final Pattern ROW_TYPE = Pattern.compile("^\\| `([A-Z][\\w.]*)` \\|");

    @ParameterizedTest
    @ValueSource(strings = {"core", "transport-jdk", "server", "servlet", "graph", "checkpoint-jdbc", "rag",
            "opentelemetry", "redis"})
    void thePageNamesEveryPublicTypeAndNoOther(String module) throws IOException {
        Set<String> types = publicTypes(module);
        String page = Files.readString(Path.of("..", "docs", module + ".md"));

        List<String> missing = new ArrayList<>();
        for (String type : types) {
            if (!page.contains("`" + type + "`") && !page.contains("`" + type + ".")) {
                missing.add(type);
            }
        }
        List<String> described = new ArrayList<>();
        for (String line : page.lines().toList()) {
            Matcher m = ROW_TYPE.matcher(line);
            if (m.find()) {
                described.add(m.group(1));
            }
        }

        assertThat(missing).as("public types of %s that docs/%s.md does not name", module, module).isEmpty();
        assertThat(types).as("types docs/%s.md describes", module).containsAll(described);
    }

    /** The public types in {@code <module>/api/*.api}, by simple name ({@code Outer.Inner} for nested ones). */
    private static Set<String> publicTypes(String module) throws IOException {
        Set<String> types = new LinkedHashSet<>();
        for (String line : Files.readAllLines(Path.of("..", module, "api", "synapsekit-" + module + ".api"))) {
            Matcher m = TYPE_LINE.matcher(line);
            if (m.find()) {
                String qualified = m.group(1);
                // the package is the lower-case prefix; what follows is Outer or Outer.Inner
                int start = 0;
                for (String part : qualified.split("\\.")) {
                    if (Character.isUpperCase(part.charAt(0))) {
                        break;
                    }
                    start += part.length() + 1;
                }
                types.add(qualified.substring(start));
            }
        }
        assertThat(types).as("public types in %s's listing", module).isNotEmpty();
        return types;
    }
}
