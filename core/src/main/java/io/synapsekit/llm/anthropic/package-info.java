/**
 * Anthropic's Messages API, streamed over Server-Sent Events: {@link io.synapsekit.llm.anthropic.AnthropicLLM}.
 */
@NullMarked
package io.synapsekit.llm.anthropic;

import org.jspecify.annotations.NullMarked;
