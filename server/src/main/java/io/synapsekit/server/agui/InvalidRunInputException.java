package io.synapsekit.server.agui;

/**
 * A request body that is not a valid AG-UI {@code RunAgentInput}: its message names the offending field (a JSON
 * path such as {@code messages[2].role}) and what was wrong with it. The message quotes at most a short, sanitised
 * excerpt of the input, so it is safe to send back to the client as a {@code 400} answer.
 */
public final class InvalidRunInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * Creates the exception.
     *
     * @param field the path of the offending field, {@code ""} for the body as a whole
     * @param problem what was wrong with it
     */
    public InvalidRunInputException(String field, String problem) {
        super(field.isEmpty() ? problem : field + ": " + problem);
        this.field = field;
    }

    /** Returns the path of the offending field, such as {@code messages[2].role}; {@code ""} for the whole body. */
    public String field() {
        return field;
    }
}
