package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.sse.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Resumable streams: a reconnecting client gets the rest of the same answer; nobody resuming cancels it. */
class ResumableSseResponseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aClientThatReconnectsWithLastEventIdGetsTheRestWithoutRerunningTheSource() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.create();
        SseResponse sse = SseResponse.builder().replay(buffer).resumeGrace(Duration.ofSeconds(30)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink first = new TestSink();
        BlockingQueue<SseOutcome> outcomes = new ArrayBlockingQueue<>(2);
        Thread.ofVirtual().start(() -> outcomes.add(sse.streamTokens(first, source.stream())));
        source.offer("one");
        source.offer("two");
        first.await(t -> t.contains("data: two"), WAIT);
        first.disconnect();
        source.offer("three"); // written to the buffer; the first client's write fails
        assertThat(outcomes.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.CLIENT_GONE);
        source.offer("four\nlines");
        source.end();

        List<SseEvent> seen = first.events();
        String lastEventId = seen.get(seen.size() - 1).id();
        TestSink second = new TestSink();
        SseOutcome resumed = sse.resume(second, lastEventId);

        assertThat(resumed).isEqualTo(SseOutcome.COMPLETED);
        assertThat(first.text()).startsWith("retry: 250\nid: " + lastEventId.substring(0, lastEventId.lastIndexOf('-')) + "-0\n\n");
        assertThat(seen).extracting(SseEvent::data).containsExactly("one", "two");
        assertThat(second.events()).extracting(SseEvent::data).containsExactly("three", "four\nlines", "[DONE]");
        assertThat(second.events()).allSatisfy(e -> assertThat(e.id()).startsWith(lastEventId.split("-")[0]));
        assertThat(source.opened).hasValue(1);
        assertThat(source.closedLatch.getCount()).isZero();
    }

    @Test
    void aStreamWithACallerChosenIdCanBeReplayedFromItsFirstEventByAnotherRequest() throws Exception {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create())
                .resumeGrace(Duration.ofSeconds(30)).build();
        ControlledSource<SseEvent> source = new ControlledSource<>();
        String streamId = SseResponse.newStreamId();
        TestSink first = new TestSink();
        Thread.ofVirtual().start(() -> sse.stream(first, source.stream(), streamId));
        source.offer(SseEvent.message("one"));
        first.await(t -> t.contains("data: one"), WAIT);

        TestSink replay = new TestSink();
        BlockingQueue<SseOutcome> outcome = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> outcome.add(sse.resume(replay, streamId + "-0")));
        replay.await(t -> t.contains("data: one"), WAIT);
        source.offer(SseEvent.message("two"));
        source.end();

        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(SseOutcome.COMPLETED);
        assertThat(replay.events()).extracting(SseEvent::data).containsExactly("one", "two", "[DONE]");
        assertThat(replay.events().get(0).id()).isEqualTo(streamId + "-1");
        assertThat(source.opened).hasValue(1);
        assertThat(SseResponse.newStreamId()).hasSize(22).isNotEqualTo(streamId);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SseResponse.create().stream(new TestSink(), java.util.stream.Stream.empty(), "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replay");
    }

    @Test
    void aClientCutBeforeTheFirstTokenResumesWithTheIdOfTheFirstBlock() throws Exception {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create())
                .resumeGrace(Duration.ofSeconds(30)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink first = new TestSink();
        Thread.ofVirtual().start(() -> sse.streamTokens(first, source.stream()));
        String opening = first.await(t -> t.endsWith("\n\n"), WAIT);
        assertThat(first.events()).as("the first block dispatches no event").isEmpty();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?m)^id: (.+)$").matcher(opening);
        assertThat(id.find()).as("an id in %s", opening).isTrue();
        first.disconnect();
        source.offer("one");
        source.end();

        TestSink second = new TestSink();
        assertThat(sse.resume(second, id.group(1))).isEqualTo(SseOutcome.COMPLETED);
        assertThat(second.events()).extracting(SseEvent::data).containsExactly("one", "[DONE]");
        assertThat(source.opened).hasValue(1);
    }

    @Test
    void resumingAFinishedOrUnknownStreamWritesNothing() {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create()).build();
        TestSink first = new TestSink();
        sse.streamTokens(first, java.util.stream.Stream.of("a"));
        String doneId = first.events().get(1).id();

        TestSink late = new TestSink();
        assertThat(sse.resume(late, doneId)).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
        assertThat(sse.resume(late, "unknown-3")).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
        assertThat(sse.resume(late, "no dash")).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
        assertThat(sse.resume(late, "x-notanumber")).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
        assertThat(sse.resume(late, null)).as("no Last-Event-ID header").isEqualTo(SseOutcome.NOTHING_TO_RESUME);
        assertThat(SseResponse.create().resume(late, doneId)).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
        assertThat(late.text()).isEmpty();
        assertThat(late.headers).isEmpty();
    }

    @Test
    void withNobodyResumingTheSourceIsCancelledAfterTheGrace() throws Exception {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create())
                .resumeGrace(Duration.ofMillis(100)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        Thread.ofVirtual().start(() -> sse.streamTokens(client, source.stream()));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);

        client.disconnect();
        source.offer("two");

        assertThat(source.closedLatch.await(2, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLateResumeOfACancelledAnswerGetsItsPartTextThenAnErrorAndDone() throws Exception {
        SseResponse sse = SseResponse.builder().replay(InMemorySseReplayBuffer.create())
                .resumeGrace(Duration.ZERO).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink client = new TestSink();
        Thread.ofVirtual().start(() -> sse.streamTokens(client, source.stream()));
        source.offer("one");
        client.await(t -> t.contains("data: one"), WAIT);
        String id = client.events().get(0).id();
        client.disconnect();
        source.offer("two");
        assertThat(source.closedLatch.await(2, TimeUnit.SECONDS)).isTrue();

        TestSink late = new TestSink();
        SseOutcome outcome = sse.resume(late, id);

        assertThat(outcome).isEqualTo(SseOutcome.FAILED);
        List<SseEvent> events = late.events();
        assertThat(events.get(events.size() - 2).event()).isEqualTo("error");
        assertThat(events.get(events.size() - 2).data()).contains("cancelled");
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void aResumeFromAnEvictedPointSaysSoInsteadOfSkippingText() throws Exception {
        InMemorySseReplayBuffer tiny = InMemorySseReplayBuffer.builder().maxEventsPerStream(2).build();
        SseResponse sse = SseResponse.builder().replay(tiny).resumeGrace(Duration.ofSeconds(30)).build();
        ControlledSource<String> source = new ControlledSource<>();
        TestSink first = new TestSink();
        Thread.ofVirtual().start(() -> sse.streamTokens(first, source.stream()));
        source.offer("a");
        first.await(t -> t.contains("data: a"), WAIT);
        String firstId = first.events().get(0).id();
        first.disconnect();
        for (String t : new String[] {"b", "c", "d"}) {
            source.offer(t);
        }
        source.end();
        assertThat(source.closedLatch.await(5, TimeUnit.SECONDS)).isTrue();

        TestSink late = new TestSink();
        assertThat(sse.resume(late, firstId)).isEqualTo(SseOutcome.FAILED);
        assertThat(late.events()).extracting(SseEvent::event).containsExactly("error", "message");
        assertThat(late.events().get(0).data()).contains("can no longer be resumed");
        String endId = late.events().get(1).id();
        assertThat(sse.resume(new TestSink(), endId)).isEqualTo(SseOutcome.NOTHING_TO_RESUME);
    }
}
