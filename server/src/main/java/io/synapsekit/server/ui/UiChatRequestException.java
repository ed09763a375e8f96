package io.synapsekit.server.ui;

/**
 * A {@code useChat} request body that cannot be answered; the message names the field and what was wrong with it
 * (for example {@code messages[2].parts[0].text: expected a string}), so it can be sent back as the reason of a
 * {@code 400}. It never quotes more than a short piece of the body.
 */
public final class UiChatRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with {@code message}, which names what was wrong. */
    public UiChatRequestException(String message) {
        super(message);
    }
}
