/**
 * Google's Gemini API ({@code streamGenerateContent} over Server-Sent Events):
 * {@link io.synapsekit.llm.gemini.GeminiLLM}.
 */
package io.synapsekit.llm.gemini;
