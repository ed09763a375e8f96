package io.synapsekit.benchmarks.relay;

import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import io.synapsekit.sse.SseEvent;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The relay's {@code redisread} variant: two servers sharing one Redis, in one JVM. Each request's answer is
 * produced by {@code producer} (server A, its own {@code RedisSseReplayBuffer}) for a client of A that reads and
 * discards it, while the reader is served by {@code reader} (server B, another buffer instance, so nothing of the
 * answer is in its memory) with {@link SseResponse#resume} from the stream's first event: every token the reader
 * gets went to Redis ({@code XADD}) and came back from it ({@code XREAD}), as for a browser that reconnected to
 * another server. The server's CPU therefore includes both servers' work and A's discarding client.
 */
final class RedisReadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final long BEGIN_WAIT_SECONDS = 60;

    private final transient Function<String, Stream<String>> answer;
    private final transient SseResponse producer;
    private final transient SseResponse reader;

    RedisReadServlet(Function<String, Stream<String>> answer, SseResponse producer, SseResponse reader) {
        this.answer = answer;
        this.producer = producer;
        this.reader = reader;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        String query = request.getParameter("query");
        String streamId = SseResponse.newStreamId();
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        CountDownLatch begun = new CountDownLatch(1);
        // A's client: its response opens once the stream is begun in Redis, then it discards what it is sent.
        SseSink discarding = SseSink.of((name, value) -> { }, () -> {
            begun.countDown();
            return OutputStream.nullOutputStream();
        });
        Thread.ofVirtual().name("redisread-producer").start(
                () -> producer.stream(discarding, answer.apply(query).map(SseEvent::message), streamId));
        Thread.ofVirtual().name("redisread-reader").start(() -> {
            try {
                if (!begun.await(BEGIN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    response.sendError(503, "the producer did not begin stream " + streamId);
                    return;
                }
                SseOutcome outcome = reader.resume(SseSink.of(response::setHeader, response::getOutputStream),
                        streamId + "-0");
                if (outcome == SseOutcome.NOTHING_TO_RESUME) {
                    response.sendError(503, "stream " + streamId + " was not found through Redis");
                }
            } catch (IOException e) {
                // the reader went away: it counts a failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                async.complete();
            }
        });
    }
}
