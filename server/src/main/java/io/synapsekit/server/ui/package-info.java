/**
 * The Vercel AI SDK's UI message stream (protocol {@code v1}), the wire format of {@code useChat} from
 * {@code @ai-sdk/react} and of the {@code Chat} class of the {@code ai} package: {@link
 * io.synapsekit.server.ui.UiMessageStream} encodes an LLM's, a RAG's or a graph's typed events as its JSON
 * chunks, and {@link io.synapsekit.server.ui.UiChatRequest} reads the hook's request body into chat messages;
 * resuming and stopping an answer by chat id go through {@link io.synapsekit.server.StreamControl}. Container-free: {@code synapsekit-servlet}'s {@code UiMessageServlet} serves it.
 */
@NullMarked
package io.synapsekit.server.ui;

import org.jspecify.annotations.NullMarked;
