package io.synapsekit.llm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-request settings: system prompt, sampling, length, stop sequences, model override, tools and the response
 * schema.
 *
 * <p>Immutable and thread-safe. Unset values fall back to the provider's defaults.
 *
 * <pre>{@code
 * GenerateOptions brief = GenerateOptions.system("Be brief.");
 * GenerateOptions tuned = brief.toBuilder().temperature(0.2).maxTokens(200).build();
 * }</pre>
 */
public final class GenerateOptions {

    private static final GenerateOptions DEFAULTS = new Builder().build();

    private final @Nullable String system;
    private final @Nullable String model;
    private final @Nullable Double temperature;
    private final @Nullable Double topP;
    private final @Nullable Integer maxTokens;
    private final List<String> stop;
    private final List<ToolSpec> tools;
    private final Map<String, @Nullable Object> extraBody;
    private final @Nullable ResponseSchema responseSchema;

    private GenerateOptions(Builder b) {
        this.system = b.system;
        this.model = b.model;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.maxTokens = b.maxTokens;
        this.stop = List.copyOf(b.stop);
        this.tools = List.copyOf(b.tools);
        this.extraBody = Collections.unmodifiableMap(new LinkedHashMap<>(b.extraBody));
        this.responseSchema = b.responseSchema;
    }

    /** Returns options with nothing set: every value is the provider's default. */
    public static GenerateOptions defaults() {
        return DEFAULTS;
    }

    /** Returns options with only the system prompt set. */
    public static GenerateOptions system(String system) {
        return builder().system(system).build();
    }

    /** Returns a new builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these options, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.system = system;
        b.model = model;
        b.temperature = temperature;
        b.topP = topP;
        b.maxTokens = maxTokens;
        b.stop.addAll(stop);
        b.tools.addAll(tools);
        b.extraBody.putAll(extraBody);
        b.responseSchema = responseSchema;
        return b;
    }

    /**
     * Returns these options with every value that {@code overrides} sets put in place of this one's: each value it
     * sets wins, its lists (stop sequences, tools) replace these when not empty, and its extra body fields are added,
     * replacing fields of the same name. For defaults that a call refines, as a pipeline's options under a call's.
     */
    public GenerateOptions with(GenerateOptions overrides) {
        Objects.requireNonNull(overrides, "overrides");
        if (overrides.equals(DEFAULTS)) {
            return this;
        }
        Builder b = toBuilder();
        overrides.system().ifPresent(b::system);
        overrides.model().ifPresent(b::model);
        overrides.temperature().ifPresent(b::temperature);
        overrides.topP().ifPresent(b::topP);
        overrides.maxTokens().ifPresent(b::maxTokens);
        if (!overrides.stop().isEmpty()) {
            b.stop(overrides.stop());
        }
        if (!overrides.tools().isEmpty()) {
            b.tools(overrides.tools());
        }
        overrides.extraBody().forEach(b::extraBody);
        overrides.responseSchema().ifPresent(b::responseSchema);
        return b.build();
    }

    /** Returns the system prompt, sent before the conversation. */
    public Optional<String> system() {
        return Optional.ofNullable(system);
    }

    /** Returns the model that overrides the client's default for this request. */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** Returns the sampling temperature. */
    public Optional<Double> temperature() {
        return Optional.ofNullable(temperature);
    }

    /** Returns the nucleus sampling probability mass. */
    public Optional<Double> topP() {
        return Optional.ofNullable(topP);
    }

    /** Returns the most tokens the answer may have. */
    public Optional<Integer> maxTokens() {
        return Optional.ofNullable(maxTokens);
    }

    /** Returns the sequences that end the answer when generated; empty for none. */
    public List<String> stop() {
        return stop;
    }

    /** Returns the functions the model may call; empty for none. */
    public List<ToolSpec> tools() {
        return tools;
    }

    /**
     * Returns provider-specific fields merged into the top level of the request body, after the fields this
     * library sets (so they win). Values must be serialisable by Jackson; a {@code null} value is sent as JSON
     * {@code null}.
     */
    public Map<String, @Nullable Object> extraBody() {
        return extraBody;
    }

    /** Returns the JSON Schema the answer must follow, when structured output is asked for. */
    public Optional<ResponseSchema> responseSchema() {
        return Optional.ofNullable(responseSchema);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof GenerateOptions g && Objects.equals(system, g.system) && Objects.equals(model, g.model)
                && Objects.equals(temperature, g.temperature) && Objects.equals(topP, g.topP)
                && Objects.equals(maxTokens, g.maxTokens) && stop.equals(g.stop) && tools.equals(g.tools)
                && extraBody.equals(g.extraBody) && Objects.equals(responseSchema, g.responseSchema);
    }

    @Override
    public int hashCode() {
        return Objects.hash(system, model, temperature, topP, maxTokens, stop, tools, extraBody, responseSchema);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("GenerateOptions[");
        if (system != null) s.append("system=").append(abbreviate(system)).append(", ");
        if (model != null) s.append("model=").append(model).append(", ");
        if (temperature != null) s.append("temperature=").append(temperature).append(", ");
        if (topP != null) s.append("topP=").append(topP).append(", ");
        if (maxTokens != null) s.append("maxTokens=").append(maxTokens).append(", ");
        if (!stop.isEmpty()) s.append("stop=").append(stop).append(", ");
        if (!tools.isEmpty()) s.append("tools=").append(tools.stream().map(ToolSpec::name).toList()).append(", ");
        if (!extraBody.isEmpty()) s.append("extraBody=").append(extraBody.keySet()).append(", ");
        if (responseSchema != null) s.append("responseSchema=").append(responseSchema.name()).append(", ");
        if (s.charAt(s.length() - 1) == ' ') s.setLength(s.length() - 2);
        return s.append(']').toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? '"' + text + '"' : '"' + text.substring(0, 40) + "…\"";
    }

    /** A builder of {@link GenerateOptions}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String system;
        private @Nullable String model;
        private @Nullable Double temperature;
        private @Nullable Double topP;
        private @Nullable Integer maxTokens;
        private final List<String> stop = new ArrayList<>();
        private final List<ToolSpec> tools = new ArrayList<>();
        private final Map<String, @Nullable Object> extraBody = new LinkedHashMap<>();
        private @Nullable ResponseSchema responseSchema;

        private Builder() {
        }

        /**
         * Asks for an answer that is JSON following {@code schema}, in each provider's structured-output shape;
         * {@code null} clears it.
         */
        public Builder responseSchema(@Nullable ResponseSchema schema) {
            this.responseSchema = schema;
            return this;
        }

        /** Sets the system prompt; {@code null} clears it. */
        public Builder system(@Nullable String system) {
            this.system = system;
            return this;
        }

        /** Overrides the client's model for this request; {@code null} clears it. */
        public Builder model(@Nullable String model) {
            if (model != null && model.isBlank()) {
                throw new IllegalArgumentException("model must not be blank");
            }
            this.model = model;
            return this;
        }

        /** Sets the sampling temperature, 0 to 2; {@code null} clears it. */
        public Builder temperature(@Nullable Double temperature) {
            if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
                throw new IllegalArgumentException("temperature must be between 0 and 2: " + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Sets the nucleus sampling probability mass, above 0 up to 1; {@code null} clears it. */
        public Builder topP(@Nullable Double topP) {
            if (topP != null && (topP.isNaN() || topP <= 0 || topP > 1)) {
                throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
            }
            this.topP = topP;
            return this;
        }

        /** Sets the most tokens the answer may have, at least 1; {@code null} clears it. */
        public Builder maxTokens(@Nullable Integer maxTokens) {
            if (maxTokens != null && maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be at least 1: " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** Replaces the stop sequences. */
        public Builder stop(List<String> sequences) {
            for (String s : sequences) {
                if (s == null || s.isEmpty()) {
                    throw new IllegalArgumentException("stop sequences must not be null or empty: " + sequences);
                }
            }
            this.stop.clear();
            this.stop.addAll(sequences);
            return this;
        }

        /** Replaces the stop sequences. */
        public Builder stop(String... sequences) {
            return stop(List.of(sequences));
        }

        /** Replaces the tools the model may call. */
        public Builder tools(List<ToolSpec> tools) {
            this.tools.clear();
            this.tools.addAll(tools);
            return this;
        }

        /**
         * Adds a provider-specific top-level body field, sent as JSON {@code null} when {@code value} is
         * {@code null}; see {@link GenerateOptions#extraBody()}.
         */
        public Builder extraBody(String field, @Nullable Object value) {
            Objects.requireNonNull(field, "field");
            this.extraBody.put(field, value);
            return this;
        }

        /** Returns the options. */
        public GenerateOptions build() {
            return new GenerateOptions(this);
        }
    }
}
