/**
 * Server-Sent Events: {@link io.synapsekit.sse.SseParser} reads an event stream exactly as the WHATWG HTML
 * standard specifies, {@link io.synapsekit.sse.SseWriter} writes one that any compliant reader (a browser's
 * {@code EventSource}) recovers exactly, and {@link io.synapsekit.sse.SseResponse} serves a whole stream to a
 * client through an {@link io.synapsekit.sse.SseSink} (headers, keep-alives, ids, {@code [DONE]}, errors, the
 * upstream cancelled when the client goes away), resumable through an {@link io.synapsekit.sse.SseReplayBuffer}.
 */
package io.synapsekit.sse;
