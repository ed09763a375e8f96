/**
 * Streaming to browsers from servlet containers: {@link io.synapsekit.servlet.SseServlet} serves an answer as
 * Server-Sent Events (GET and POST, validated, resumable with {@code Last-Event-ID}),
 * {@link io.synapsekit.servlet.TokenWebSocket} builds Jakarta WebSocket endpoints for the plain and the structured
 * protocol, and {@link io.synapsekit.servlet.AgUiServlet} answers AG-UI runs (an {@code LLM}, a {@code RAG} or a
 * graph in one line). The servlet and WebSocket APIs are {@code provided}: the container brings them.
 */
@NullMarked
package io.synapsekit.servlet;

import org.jspecify.annotations.NullMarked;
