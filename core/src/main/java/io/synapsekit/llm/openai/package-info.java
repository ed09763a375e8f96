/**
 * OpenAI's Chat Completions API and every server that speaks it (vLLM, LM Studio, llama.cpp, Groq, …):
 * {@link io.synapsekit.llm.openai.OpenAILLM}.
 */
@NullMarked
package io.synapsekit.llm.openai;

import org.jspecify.annotations.NullMarked;
