package io.synapsekit.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Unit { CELSIUS, FAHRENHEIT }

    record Place(String city, @Nullable String country) {}

    record Forecast(Place place, int days, @Nullable Unit unit, List<String> fields, boolean alerts,
            double minConfidence, Map<String, Integer> weights) {}

    record Recursive(String name, List<Recursive> children) {}

    record WithObject(Object anything) {}

    @Test
    void theSchemaIsDerivedFromTheRecordComponents() throws Exception {
        Tool tool = Tool.of("forecast", "Weather forecast", Forecast.class, f -> "ok");

        assertThat(JSON.readTree(tool.spec().parametersJsonSchema())).isEqualTo(JSON.readTree("""
                {"type":"object","properties":{
                   "place":{"type":"object","properties":{"city":{"type":"string"},"country":{"type":"string"}},
                            "required":["city"],"additionalProperties":false},
                   "days":{"type":"integer"},
                   "unit":{"type":"string","enum":["CELSIUS","FAHRENHEIT"]},
                   "fields":{"type":"array","items":{"type":"string"}},
                   "alerts":{"type":"boolean"},
                   "minConfidence":{"type":"number"},
                   "weights":{"type":"object","additionalProperties":{"type":"integer"}}},
                 "required":["place","days","fields","alerts","minConfidence","weights"],
                 "additionalProperties":false}
                """));
        assertThat(tool.spec().name()).isEqualTo("forecast");
        assertThat(tool.spec().description()).isEqualTo("Weather forecast");
    }

    @Test
    void typesWithoutASchemaAreRefusedNamingTheComponent() {
        assertThatThrownBy(() -> Tool.of("t", "", WithObject.class, w -> "")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("WithObject.anything")
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> Tool.of("t", "", Recursive.class, w -> "")).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("contains itself");
    }

    @Test
    void argumentsAreBoundToTheRecordAndTheResultIsJson() throws Exception {
        AtomicReference<Forecast> seen = new AtomicReference<>();
        Tool tool = Tool.of("forecast", "", Forecast.class, f -> {
            seen.set(f);
            return Map.of("temperature", 21);
        });

        ToolResult result = tool.call("""
                {"place":{"city":"Paris"},"days":3,"unit":"CELSIUS","fields":["rain"],"alerts":true,
                 "minConfidence":0.5,"weights":{"rain":2}}""");

        assertThat(result.error()).isFalse();
        assertThat(JSON.readTree(result.content())).isEqualTo(JSON.readTree("{\"temperature\":21}"));
        assertThat(seen.get()).isEqualTo(new Forecast(new Place("Paris", null), 3, Unit.CELSIUS, List.of("rain"),
                true, 0.5, Map.of("rain", 2)));
    }

    @Test
    void badArgumentsBecomeAnErrorResultNamingTheProblem() {
        Tool tool = Tool.of("forecast", "", Forecast.class, f -> "never");
        String valid = "\"days\":3,\"fields\":[],\"alerts\":false,\"minConfidence\":1,\"weights\":{}";

        assertThat(tool.call("{\"place\":{\"city\":\"Paris\"}," + valid.replace("\"days\":3,", "") + "}"))
                .isEqualTo(ToolResult.error("invalid arguments for forecast: missing required property $.days"));
        assertThat(tool.call("{\"place\":{\"country\":\"FR\"}," + valid + "}"))
                .isEqualTo(ToolResult.error("invalid arguments for forecast: missing required property $.place.city"));
        assertThat(tool.call("{\"place\":{\"city\":\"Paris\"},\"colour\":1," + valid + "}").content())
                .startsWith("invalid arguments for forecast: unknown property $.colour");
        ToolResult wrongType = tool.call("{\"place\":{\"city\":\"Paris\"}," + valid.replace("3", "\"three\"") + "}");
        assertThat(wrongType.error()).isTrue();
        assertThat(wrongType.content()).startsWith("invalid arguments for forecast:").contains("three");
        ToolResult badEnum = tool.call("{\"place\":{\"city\":\"Paris\"},\"unit\":\"KELVIN\"," + valid + "}");
        assertThat(badEnum.error()).isTrue();
        assertThat(badEnum.content()).contains("KELVIN");
        ToolResult notJson = tool.call("{\"place\":");
        assertThat(notJson.error()).isTrue();
        assertThat(notJson.content()).startsWith("invalid arguments for forecast:");
    }

    @Test
    void aFailingBodyBecomesAnErrorResult() {
        Tool tool = Tool.of("boom", "", Place.class, p -> {
            throw new IllegalStateException("calendar offline");
        });

        assertThat(tool.call("{\"city\":\"Paris\"}"))
                .isEqualTo(ToolResult.error("boom failed: IllegalStateException: calendar offline"));
    }
}
