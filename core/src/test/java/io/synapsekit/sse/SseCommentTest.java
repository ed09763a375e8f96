package io.synapsekit.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keep-alive comments as {@link SseEvent}s: written by {@link SseWriter}, never produced by the parser. */
class SseCommentTest {

    @Test
    void aCommentEventIsWrittenAsACommentBlock() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter w = new SseWriter(out);
        Stream.of(SseEvent.message("a").withId("1"), SseEvent.comment("keep-alive"), SseEvent.comment("two\nlines"),
                SseEvent.message("[DONE]")).forEach(w::write);
        assertThat(out.toString(UTF_8))
                .isEqualTo("id: 1\ndata: a\n\n: keep-alive\n\n: two\n: lines\n\ndata: [DONE]\n\n");
    }

    @Test
    void theParserSkipsWhatTheWriterWroteAsAComment() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter w = new SseWriter(out);
        w.write(SseEvent.comment("keep-alive"));
        w.write(SseEvent.message("x"));
        List<SseEvent> parsed = new ArrayList<>();
        SseParser.events(new ByteArrayInputStream(out.toByteArray())).forEachRemaining(parsed::add);
        assertThat(parsed).containsExactly(SseEvent.message("x"));
        assertThat(parsed).noneMatch(SseEvent::isComment);
    }

    @Test
    void commentsAndEventsAreTellApart() {
        assertThat(SseEvent.comment("k").isComment()).isTrue();
        assertThat(SseEvent.comment("k").comment()).isEqualTo("k");
        assertThat(SseEvent.message("k").isComment()).isFalse();
        assertThat(new SseEvent("message", "k", "", null).comment()).isNull();
        assertThat(SseEvent.comment("k")).isNotEqualTo(SseEvent.message(""));
    }

    @Test
    void aCommentCannotCarryAnId() {
        assertThatThrownBy(() -> SseEvent.comment("k").withId("3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a comment carries no event type, data, id or retry: \"k\"");
    }

    @Test
    void anEmptyEventTypeIsRefusedBecauseReadersWouldSeeMessage() {
        assertThatThrownBy(() -> SseEvent.of("", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
    }
}
