package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The stream-read limits set deliberately on the shared mapper, each at and just past its bound. */
class JsonConstraintsTest {

    @Test
    void nestingIsBoundedAtTheDocumentedDepth() throws Exception {
        int max = Json.MAX_NESTING_DEPTH;
        assertThat(Json.parse("[".repeat(max) + "]".repeat(max)).isArray()).isTrue();
        assertThatThrownBy(() -> Json.parse("[".repeat(max + 1) + "]".repeat(max + 1)))
                .isInstanceOf(StreamConstraintsException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> Json.parse("{\"a\":".repeat(max + 1) + "1" + "}".repeat(max + 1)))
                .isInstanceOf(StreamConstraintsException.class);
    }

    @Test
    void numbersAreBoundedInDigits() throws Exception {
        int max = Json.MAX_NUMBER_LENGTH;
        assertThat(Json.parse("{\"n\":" + "9".repeat(max) + "}").get("n").isNumber()).isTrue();
        assertThatThrownBy(() -> Json.parse("{\"n\":" + "9".repeat(max + 1) + "}"))
                .isInstanceOf(StreamConstraintsException.class).hasMessageContaining("Number value length");
    }

    @Test
    void stringsAreBoundedWellAboveAnyRealChunk() throws Exception {
        assertThat(Json.MAX_STRING_LENGTH).isGreaterThanOrEqualTo(8 * 1024 * 1024);
        assertThat(Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength())
                .isEqualTo(Json.MAX_STRING_LENGTH);
        assertThat(Json.parse("{\"s\":\"" + "x".repeat(1 << 20) + "\"}").get("s").asText()).hasSize(1 << 20);
    }

    @Test
    void writingIsBoundedToo() {
        assertThat(Json.MAPPER.getFactory().streamWriteConstraints().getMaxNestingDepth())
                .isEqualTo(Json.MAX_NESTING_DEPTH);
    }

    @Test
    void integerReportsOnlyCountsThatFitAnInt() throws Exception {
        JsonNode n = Json.parse("{\"small\":7,\"big\":4294967297,\"text\":\"7\",\"real\":1.5,\"huge\":1e400}");
        assertThat(Json.integer(n, "small")).isEqualTo(7);
        assertThat(Json.integer(n, "big")).isNull();
        assertThat(Json.integer(n, "text")).isNull();
        assertThat(Json.integer(n, "missing")).isNull();
        assertThat(Json.integer(null, "small")).isNull();
        assertThat(Json.integer(n, "real")).isEqualTo(1);
    }
}
