/**
 * Server-Sent Events, the format: {@link io.synapsekit.sse.SseParser} reads an event stream exactly as the WHATWG
 * HTML standard specifies, and {@link io.synapsekit.sse.SseWriter} writes one that any compliant reader (a browser's
 * {@code EventSource}) recovers exactly. Serving a whole stream to a client (headers, keep-alives, ids,
 * {@code [DONE]}, resume) is the {@code io.synapsekit.server} module's job.
 */
@NullMarked
package io.synapsekit.sse;

import org.jspecify.annotations.NullMarked;
