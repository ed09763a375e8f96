package io.synapsekit.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The incremental reader against Jackson, with the text cut at every point. */
class IncrementalJsonReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> documents() {
        return List.of(
                "{}",
                "[]",
                " { \"a\" : 1 , \"b\" : [ true , false , null ] } ",
                "{\"s\":\"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t unicode \\u00e9 \\ud83c\\udf0d é 🌍\"}",
                "{\"n\":[0,-1,12345678901,123456789012345678901234,1.5,-0.25e-3,6E2]}",
                "{\"nested\":{\"deeper\":{\"list\":[{\"x\":1},{\"y\":[[],[{}]]}]}},\"after\":\"end\"}",
                "[1,\"two\",{\"three\":3}]");
    }

    @ParameterizedTest
    @MethodSource("documents")
    void readsWhatJacksonReadsWhereverTheTextIsCut(String doc) throws Exception {
        JsonNode expected = JSON.readTree(doc);
        for (int cut = 0; cut <= doc.length(); cut++) {
            IncrementalJsonReader reader = new IncrementalJsonReader();
            reader.feed(doc.substring(0, cut));
            reader.feed(doc.substring(cut));
            assertThat(reader.isComplete()).as("cut at %d", cut).isTrue();
            assertThat(reader.root()).as("cut at %d", cut).isEqualTo(expected);
        }
        IncrementalJsonReader oneByOne = new IncrementalJsonReader();
        for (int i = 0; i < doc.length(); i++) {
            oneByOne.feed(doc.substring(i, i + 1));
        }
        assertThat(oneByOne.root()).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("documents")
    void eachPrefixHoldsOnlyCompletedValues(String doc) throws Exception {
        List<String> finalLeaves = leaves(JSON.readTree(doc), new java.util.ArrayList<>());
        IncrementalJsonReader reader = new IncrementalJsonReader();
        long lastVersion = 0;
        for (int i = 0; i < doc.length(); i++) {
            reader.feed(doc.substring(i, i + 1));
            assertThat(reader.version()).isGreaterThanOrEqualTo(lastVersion);
            lastVersion = reader.version();
            if (reader.root() != null) {
                // No string or number cut short: every leaf of a prefix's tree is a leaf of the whole.
                assertThat(finalLeaves).as("after %d chars", i + 1)
                        .containsAll(leaves(reader.root(), new java.util.ArrayList<>()));
            }
        }
    }

    private static List<String> leaves(JsonNode node, List<String> out) {
        if (node.isContainerNode()) {
            node.forEach(child -> leaves(child, out));
        } else {
            out.add(node.isNumber() ? node.decimalValue().stripTrailingZeros().toPlainString() : node.toString());
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\" 1}", "{\"a\":tru}", "{\"a\":1,}", "[1 2]", "{\"a\":01}", "{\"a\":1}}", "{a:1}",
            "{\"a\":\"\\x\"}", "[1]x", "{\"a\":-}"})
    void badJsonIsAnErrorNamingTheOffset(String doc) {
        assertThatThrownBy(() -> {
            IncrementalJsonReader reader = new IncrementalJsonReader();
            reader.feed(doc);
            reader.feed(" ,"); // a number at the end completes only when something follows it
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
    }
}
