/**
 * Server-Sent Events: {@link io.synapsekit.sse.SseParser} reads an event stream exactly as the WHATWG HTML
 * standard specifies, {@link io.synapsekit.sse.SseWriter} writes one that any compliant reader (a browser's
 * {@code EventSource}) recovers exactly.
 */
package io.synapsekit.sse;
