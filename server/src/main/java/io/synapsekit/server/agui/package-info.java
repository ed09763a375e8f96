/**
 * The AG-UI protocol (version 1.0), as {@code @ag-ui/client}'s {@code HttpAgent} and CopilotKit speak it:
 * {@link io.synapsekit.server.agui.RunAgentInput} parses the {@code POST} body of a run, and
 * {@link io.synapsekit.server.agui.AgUiStreams} turns an LLM's, a RAG answer's or a graph run's typed events into
 * the AG-UI events to send back as Server-Sent Events. {@code synapsekit-servlet}'s {@code AgUiServlet} serves them
 * in one line.
 */
@NullMarked
package io.synapsekit.server.agui;

import org.jspecify.annotations.NullMarked;
