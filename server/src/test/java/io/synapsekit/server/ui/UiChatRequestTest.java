package io.synapsekit.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** useChat's POST body read into chat messages, and every malformed body refused with the field named. */
class UiChatRequestTest {

    /** A body as DefaultChatTransport sends it for a second turn (captured from ai 5). */
    private static final String SECOND_TURN = """
            {"id":"chat-1","messages":[
              {"id":"u1","role":"user","parts":[{"type":"text","text":"What is RAG?"}]},
              {"id":"msg-a","role":"assistant","parts":[{"type":"step-start"},
                {"type":"source-document","sourceId":"c1","mediaType":"text/plain","title":"rag.md"},
                {"type":"reasoning","text":"thinking…","state":"done"},
                {"type":"text","text":"RAG is ","state":"done"},{"type":"text","text":"retrieval.","state":"done"},
                {"type":"data-node","id":"n-1","data":{"node":"answer"}},
                {"type":"tool-weather","toolCallId":"c","state":"input-available","input":{}}]},
              {"id":"u2","role":"user","parts":[{"type":"text","text":"And SSE — é?"}]}],
             "trigger":"submit-message","messageId":null}""";

    @Test
    void readsTheConversationWithTextPartsJoinedAndNonTextPartsSkipped() {
        UiChatRequest request = UiChatRequest.parse(SECOND_TURN);

        assertThat(request.chatId()).isEqualTo("chat-1");
        assertThat(request.trigger()).isEqualTo("submit-message");
        assertThat(request.messageId()).isNull();
        assertThat(request.messages()).containsExactly(ChatMessage.user("What is RAG?"),
                ChatMessage.assistant("RAG is retrieval."), ChatMessage.user("And SSE — é?"));
        assertThat(request.question()).isEqualTo("And SSE — é?");
    }

    @Test
    void anAssistantMessageWithoutTextIsSkippedAndRegenerateIsAccepted() {
        UiChatRequest request = UiChatRequest.parse("""
                {"id":"c","trigger":"regenerate-message","messageId":"msg-a","messages":[
                 {"role":"user","parts":[{"type":"text","text":"hi"}]},
                 {"role":"assistant","parts":[{"type":"dynamic-tool","toolCallId":"x"}]},
                 {"role":"user","parts":[{"type":"text","text":"again"}]}]}""");

        assertThat(request.messages()).containsExactly(ChatMessage.user("hi"), ChatMessage.user("again"));
        assertThat(request.trigger()).isEqualTo("regenerate-message");
        assertThat(request.messageId()).isEqualTo("msg-a");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                                                                      | the body is not valid JSON
            []                                                                            | must be a JSON object
            {"messages":[]}                                                               | id: missing
            {"id":7,"messages":[]}                                                        | id: expected a string, got number
            {"id":"","messages":[]}                                                       | id: must be 1 to 200
            {"id":"a/b","messages":[]}                                                    | id: must not
            {"id":"c"}                                                                    | messages: expected an array
            {"id":"c","messages":[]}                                                      | messages: must not be empty
            {"id":"c","messages":[1]}                                                     | messages[0]: expected an object
            {"id":"c","messages":[{"parts":[]}]}                                          | messages[0].role: missing
            {"id":"c","messages":[{"role":"tool","parts":[]}]}                            | messages[0].role: expected "user" or "assistant", got "tool"
            {"id":"c","messages":[{"role":"system","parts":[]}]}                          | messages[0].role: system messages are not accepted
            {"id":"c","messages":[{"role":"user"}]}                                       | messages[0].parts: expected an array
            {"id":"c","messages":[{"role":"user","parts":[{"text":"x"}]}]}                | messages[0].parts[0].type: missing
            {"id":"c","messages":[{"role":"user","parts":[{"type":"text","text":5}]}]}    | messages[0].parts[0].text: expected a string, got number
            {"id":"c","messages":[{"role":"user","parts":[{"type":"file","url":"x"}]}]}   | messages[0].parts[0]: file parts are not supported
            {"id":"c","messages":[{"role":"user","parts":[{"type":"text","text":" "}]}]}  | messages[0]: a user message needs a non-blank text part
            {"id":"c","messages":[{"role":"assistant","parts":[{"type":"text","text":"a"}]}]} | messages: the last message must be the user's
            {"id":"c","trigger":"go","messages":[{"role":"user","parts":[{"type":"text","text":"a"}]}]} | trigger: expected "submit-message" or "regenerate-message", got "go"
            """)
    void aMalformedBodyIsRefusedNamingTheField(String body, String expected) {
        assertThatThrownBy(() -> UiChatRequest.parse(body))
                .isInstanceOf(UiChatRequestException.class)
                .hasMessageContaining(expected.strip());
    }
}
