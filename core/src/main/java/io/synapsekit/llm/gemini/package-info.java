/** Google Gemini's {@code streamGenerateContent} over SSE: {@code GeminiLLM}. */
package io.synapsekit.llm.gemini;
