/**
 * The server side, free of any container's types: {@link io.synapsekit.server.SseResponse} serves a stream of
 * events or tokens as Server-Sent Events through an {@link io.synapsekit.server.SseSink} (headers, keep-alives, ids,
 * {@code [DONE]}, errors, the upstream cancelled when the client goes away), resumable through an
 * {@link io.synapsekit.server.SseReplayBuffer}. The {@code synapsekit-servlet} module adapts it to Jakarta Servlet;
 * any other server (the JDK's {@code HttpServer}, say) uses it directly.
 */
@NullMarked
package io.synapsekit.server;

import org.jspecify.annotations.NullMarked;
