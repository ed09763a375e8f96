/**
 * Google's Gemini API ({@code streamGenerateContent} over Server-Sent Events):
 * {@link io.synapsekit.llm.gemini.GeminiLLM}.
 */
@NullMarked
package io.synapsekit.llm.gemini;

import org.jspecify.annotations.NullMarked;
