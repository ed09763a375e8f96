/**
 * What every HTTP model client's builder shares: {@link io.synapsekit.llm.http.HttpLLMBuilder}, the base of
 * {@code OpenAILLM.builder()}, {@code AnthropicLLM.builder()}, the other providers' builders and the embeddings
 * clients'.
 */
@NullMarked
package io.synapsekit.llm.http;

import org.jspecify.annotations.NullMarked;
