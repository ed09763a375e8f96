package io.synapsekit.llm.openai;

import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.OpenAIServer;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.http.HttpLLM;
import io.synapsekit.llm.http.HttpLLMBuilder;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LLM} on OpenAI's Chat Completions API, or any server that speaks it (vLLM, LM Studio, llama.cpp
 * server, Groq, Mistral, DeepSeek, Together, OpenRouter, …): requests go to {@code {baseUrl}/chat/completions}.
 *
 * <pre>{@code
 * LLM llm = OpenAILLM.builder().model("gpt-4o-mini").build();   // key from OPENAI_API_KEY
 * LLM local = OpenAILLM.builder().baseUrl("http://localhost:8000/v1").model("qwen2.5").build();  // no key
 * }</pre>
 *
 * <p>Immutable and thread-safe: build one per application and share it. Streams read on the caller's thread;
 * no thread is started per request.
 */
public final class OpenAILLM extends HttpLLM {

    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The default model. */
    public static final String DEFAULT_MODEL = "gpt-4o-mini";
    /** The environment variable the API key is read from when none is given. */
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";

    private OpenAILLM(Builder builder) {
        super(builder);
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /**
     * A builder of {@link OpenAILLM}: the shared {@link HttpLLMBuilder} settings plus OpenAI's organization,
     * project and max-tokens field. Not thread-safe.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        private final OpenAIServer server; // OpenAI, or the compatible server of one of OpenAICompatible's presets
        private @Nullable String organization;
        private @Nullable String project;
        private @Nullable String maxTokensField;

        Builder(Function<String, @Nullable String> environment) {
            this(environment, OpenAIServer.OPENAI);
            BuilderState.of(this).model(DEFAULT_MODEL);
        }

        /** A builder for {@code server}; the caller sets the model, as each server names its models its own way. */
        Builder(Function<String, @Nullable String> environment, OpenAIServer server) {
            this.server = server;
            BuilderState.of(this).defaults(environment, null, server.baseUrl());
        }

        /** Sets the {@code OpenAI-Organization} header. */
        public Builder organization(String organization) {
            this.organization = BuilderState.requireText("organization", organization);
            return this;
        }

        /** Sets the {@code OpenAI-Project} header. */
        public Builder project(String project) {
            this.project = BuilderState.requireText("project", project);
            return this;
        }

        /**
         * Sets the request body field that carries {@link GenerateOptions#maxTokens()}. Default
         * {@code max_completion_tokens} for OpenAI itself (its reasoning models reject the older name) and
         * {@code max_tokens} for other servers.
         */
        public Builder maxTokensField(String field) {
            this.maxTokensField = BuilderState.requireText("maxTokensField", field);
            return this;
        }

        /**
         * Returns the client. The key is the one set with {@link #apiKey}, else {@value OpenAILLM#API_KEY_VARIABLE};
         * servers other than OpenAI's get no {@code Authorization} header when there is none.
         *
         * @throws AuthenticationException when the base URL is OpenAI's and there is no key
         */
        public OpenAILLM build() {
            BuilderState state = BuilderState.of(this);
            String key = server.apiKey(state);
            String field = maxTokensField != null ? maxTokensField
                    : server.maxTokensField() != null ? server.maxTokensField()
                    : OpenAIServer.isOpenAI(state.baseUrl()) ? "max_completion_tokens" : "max_tokens";
            Map<String, String> headers = new LinkedHashMap<>(server.authHeaders(key));
            headers.put("Accept", "text/event-stream");
            if (organization != null) {
                headers.put("OpenAI-Organization", organization);
            }
            if (project != null) {
                headers.put("OpenAI-Project", project);
            }
            URI endpoint = server.url(state.baseUrl(), "chat/completions");
            state.wire(server.name(), key, headers, new OpenAICodec(endpoint, server.streamUsage(), field));
            return new OpenAILLM(this);
        }
    }
}
