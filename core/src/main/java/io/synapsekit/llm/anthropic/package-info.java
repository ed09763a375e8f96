/**
 * Anthropic's Messages API, streamed over Server-Sent Events: {@link io.synapsekit.llm.anthropic.AnthropicLLM}.
 */
package io.synapsekit.llm.anthropic;
