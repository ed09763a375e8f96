/** Anthropic's Messages API over SSE: {@code AnthropicLLM}. */
package io.synapsekit.llm.anthropic;
