package io.synapsekit.rag.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.HttpLLMClient;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.ObservedRequest;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.http.HttpLLMBuilder;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What every embeddings client over HTTP does: sends the texts in batches, one request after another on the
 * caller's thread, through the HTTP client the chat models use (its retries, rate limit, time limits, headers and
 * typed errors), and reads each batch's vectors back with the server's own reader.
 *
 * <p>Immutable and thread-safe.
 */
record HttpEmbeddings(HttpLLMClient client, String model, URI endpoint, int batchSize, String notFoundHint,
        List<LLMListener> listeners) {

    /** A response as large as a batch of 2048 inputs of 3072 floats (about 70 MB of JSON) is accepted. */
    static final int MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

    /**
     * Sets what an embeddings builder starts from: the chat builders' settings, but each request limited to
     * {@code timeout} and its response to {@value #MAX_RESPONSE_BYTES} bytes, since a batch's vectors come whole.
     */
    static void defaults(HttpLLMBuilder<?> builder, Function<String, @Nullable String> environment,
            @Nullable String model, String baseUrl, Duration timeout) {
        BuilderState.of(builder).defaults(environment, model, baseUrl)
                .settings(s -> s.withTotalTimeout(timeout).withMaxEventBytes(MAX_RESPONSE_BYTES));
    }

    /** Returns {@code size} when it is from 1 to {@code max}; else fails naming the setting and the range. */
    static int batchSize(int size, int max) {
        if (size < 1 || size > max) {
            throw new IllegalArgumentException("batchSize must be " + (max == Integer.MAX_VALUE ? "at least 1"
                    : "between 1 and " + max) + ": " + size);
        }
        return size;
    }

    /**
     * Returns the embeddings client {@code builder} describes: {@code endpoint} on the HTTP client for
     * {@code provider}, its key sent in {@code authHeaders}.
     */
    static HttpEmbeddings of(HttpLLMBuilder<?> builder, String provider, @Nullable String key,
            Map<String, String> authHeaders, URI endpoint, int batchSize, String notFoundHint) {
        BuilderState state = BuilderState.of(builder);
        return new HttpEmbeddings(state.client(provider, key, authHeaders), state.model(), endpoint, batchSize,
                notFoundHint, state.listeners());
    }

    /**
     * Returns one vector per text, in order. Each request's body holds the {@code model} and the batch as
     * {@code input}, as OpenAI's and Ollama's APIs both name them. Each request is an
     * {@link LLMCall#EMBEDDINGS} call to the listeners, with the model the response names and its input tokens.
     *
     * @param fields adds the server's own fields to a request body
     * @param vectors reads a response into the vectors of a batch of the given size, in the batch's order
     * @param inputTokens reads the input tokens a response counts, or {@code null} when it counts none
     */
    List<float[]> embed(List<String> texts, Consumer<ObjectNode> fields,
            BiFunction<JsonNode, Integer, List<float[]>> vectors, Function<JsonNode, @Nullable Integer> inputTokens) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " to embed is null");
            }
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            ObjectNode body = Json.object().put("model", model);
            batch.forEach(body.putArray("input")::add);
            fields.accept(body);
            ObservedRequest observed = ObservedRequest.start(listeners, client.provider(), LLMCall.EMBEDDINGS, model,
                    endpoint);
            JsonNode response = observed.send(() -> client.postJson(endpoint, body, notFoundHint));
            try {
                out.addAll(vectors.apply(response, batch.size()));
            } catch (RuntimeException e) {
                observed.failed(e);
                throw e;
            }
            Integer tokens = inputTokens.apply(response);
            observed.finished(Json.text(response, "id"), Json.text(response, "model"),
                    tokens == null ? null : new LLMEvent.Usage(tokens, null));
        }
        return out;
    }

    /** Reads a JSON array of numbers into a vector, or fails naming what was wrong. */
    float[] vector(@Nullable JsonNode array, String what, JsonNode response) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw malformed(what + " is not a non-empty array of numbers", response);
        }
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = array.get(i);
            if (!x.isNumber()) {
                throw malformed(what + " holds a value that is not a number", response);
            }
            v[i] = x.floatValue();
        }
        return v;
    }

    /** Returns the error for a response that does not hold what {@code what} says. */
    MalformedChunkException malformed(String what, JsonNode response) {
        return new MalformedChunkException(client.provider(), what, response.toString(), PartialResult.EMPTY, null);
    }

    /** Returns the endpoint and batch size; never the key or headers. */
    @Override
    public String toString() {
        return "model=" + model + ", endpoint=" + endpoint + ", batchSize=" + batchSize;
    }
}
