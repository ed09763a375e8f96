package io.synapsekit.llm.openai;

import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.HttpChat;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.stream.CloseableIterator;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

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
public final class OpenAILLM implements LLM {

    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The default model. */
    public static final String DEFAULT_MODEL = "gpt-4o-mini";
    /** The environment variable the API key is read from when none is given. */
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";

    private final HttpChat chat;

    private OpenAILLM(HttpChat chat) {
        this.chat = chat;
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /** Returns the default model name requests use. */
    public String model() {
        return chat.model();
    }

    @Override
    public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
        return chat.open(messages, options);
    }

    @Override
    public String toString() {
        return chat.toString();
    }

    /**
     * A builder of {@link OpenAILLM}: the shared {@link HttpLLMBuilder} settings plus OpenAI's organization,
     * project and max-tokens field. Not thread-safe.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        private String organization;
        private String project;
        private String maxTokensField;
        // Set by OpenAICompatible's presets: how a compatible server differs from OpenAI on the wire.
        String provider = OpenAICodec.PROVIDER;
        String keyVariable = API_KEY_VARIABLE;
        boolean keyRequired;
        boolean streamUsage = true;
        String endpoint;
        String authHeader = "Authorization";
        boolean bearer = true;

        Builder(Function<String, String> environment) {
            BuilderState.of(this).defaults(environment, DEFAULT_MODEL, DEFAULT_BASE_URL);
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
            boolean openAI = endpoint == null && state.baseUrl().equalsIgnoreCase(DEFAULT_BASE_URL);
            String key = keyVariable == null ? state.apiKey(provider, openAI || keyRequired)
                    : state.apiKey(provider, openAI || keyRequired, keyVariable);
            String field = maxTokensField != null ? maxTokensField : openAI ? "max_completion_tokens" : "max_tokens";
            URI url = URI.create(endpoint != null ? endpoint : state.baseUrl() + "/chat/completions");
            OpenAICodec.Wire wire = new OpenAICodec.Wire(provider, url, authHeader, bearer, streamUsage, field);
            OpenAICodec codec = new OpenAICodec(wire, state.model(), key, organization, project);
            return new OpenAILLM(state.chat("OpenAILLM", provider, key, codec));
        }
    }
}
