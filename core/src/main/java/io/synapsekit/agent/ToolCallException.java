package io.synapsekit.agent;

/**
 * A tool call that ended in an error result (a failing tool, an unknown tool, arguments that do not bind), as the
 * failure its {@link io.synapsekit.observe.Work#TOOL_CALL} work ends with. Never thrown: the model gets the error
 * result instead.
 */
final class ToolCallException extends RuntimeException {

    ToolCallException(String errorResult) {
        super(errorResult, null, false, false); // no stack: it describes a result, not where code failed
    }
}
