package io.synapsekit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.internal.ChatBody;
import io.synapsekit.internal.Json;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GenerateOptions#with}: a call's options over a pipeline's; extra body fields as sent. */
class GenerateOptionsTest {

    private static final GenerateOptions BASE = GenerateOptions.builder().system("base").model("m1").temperature(0.1)
            .topP(0.5).maxTokens(10).stop("A").extraBody("seed", 1).extraBody("keep", true).build();

    @Test
    void everyValueTheOverridesSetWinsAndTheRestStays() {
        GenerateOptions call = GenerateOptions.builder().temperature(0.9).stop("X", "Y").extraBody("seed", 2).build();

        GenerateOptions merged = BASE.with(call);

        assertThat(merged.system()).hasValue("base");
        assertThat(merged.model()).hasValue("m1");
        assertThat(merged.temperature()).hasValue(0.9);
        assertThat(merged.topP()).hasValue(0.5);
        assertThat(merged.maxTokens()).hasValue(10);
        assertThat(merged.stop()).containsExactly("X", "Y");
        assertThat(merged.extraBody()).containsEntry("seed", 2).containsEntry("keep", true);
    }

    @Test
    void overridesThatSetNothingChangeNothing() {
        assertThat(BASE.with(GenerateOptions.defaults())).isSameAs(BASE);
        assertThat(GenerateOptions.defaults().with(BASE)).isEqualTo(BASE);
    }

    @Test
    void withKnowsEveryValueGenerateOptionsHas() {
        // with() merges value by value: a value added to GenerateOptions must be merged there too, then listed here.
        List<String> values = Arrays.stream(GenerateOptions.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 0)
                .map(Method::getName)
                .filter(n -> !List.of("toBuilder", "hashCode", "toString").contains(n)).sorted().toList();
        assertThat(values).containsExactly("extraBody", "maxTokens", "model", "responseSchema", "stop", "system",
                "temperature", "tools",
                "topP");
    }

    @Test
    void aNullExtraBodyValueIsSentAsJsonNull() {
        // extraBody(field, null) is @Nullable and documented: the field goes out as JSON null, not dropped.
        GenerateOptions options = GenerateOptions.builder().extraBody("response_format", null).build();

        assertThat(options.extraBody()).containsEntry("response_format", null);
        assertThat(ChatBody.extraBody(Json.object(), options, false).toString())
                .isEqualTo("{\"response_format\":null}");
        assertThat(GenerateOptions.defaults().with(options).extraBody()).containsEntry("response_format", null);
    }
}
