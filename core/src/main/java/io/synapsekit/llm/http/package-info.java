/**
 * What every HTTP model client's builder shares: {@link io.synapsekit.llm.http.HttpLLMBuilder}, the base of
 * {@code OpenAILLM.builder()}, {@code AnthropicLLM.builder()} and the other providers' builders.
 */
package io.synapsekit.llm.http;
