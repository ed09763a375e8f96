package io.synapsekit.servlet;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.server.ui.UiChatRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

/**
 * One {@code useChat} request as the answer function of a {@link UiMessageServlet} sees it: the conversation, the
 * chat id, the id the answer's message will have, and the HTTP request (the user's principal, headers, session).
 *
 * <p>The request is the container's: read it inside the answer function, not from the stream it returns, which
 * may still run after the request has ended (a resumable answer outlives a reload). Immutable; the request is not.
 */
public final class UiChatCall {

    private final HttpServletRequest request;
    private final UiChatRequest chat;
    private final String messageId;

    UiChatCall(HttpServletRequest request, UiChatRequest chat, String messageId) {
        this.request = request;
        this.chat = chat;
        this.messageId = messageId;
    }

    /** Returns the HTTP request, for anything this class does not expose. */
    public HttpServletRequest request() {
        return request;
    }

    /** Returns the parsed request body. */
    public UiChatRequest chat() {
        return chat;
    }

    /** Returns the chat's id: stable across the turns of one conversation in the page. */
    public String chatId() {
        return chat.chatId();
    }

    /** Returns the conversation, oldest first, ending with the user's question. */
    public List<ChatMessage> messages() {
        return chat.messages();
    }

    /** Returns the user's question: the last message's text. */
    public String question() {
        return chat.question();
    }

    /** Returns the id the answer's message has in the page ({@code start}'s {@code messageId}). */
    public String messageId() {
        return messageId;
    }

    /** Returns the authenticated user, when the container or a filter authenticated one. */
    public Optional<Principal> principal() {
        return Optional.ofNullable(request.getUserPrincipal());
    }

    /** Returns request header {@code name}'s first value. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    @Override
    public String toString() {
        return "UiChatCall{chatId=" + chat.chatId() + ", messages=" + chat.messages().size() + ", messageId="
                + messageId + '}';
    }
}
