package io.synapsekit.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a chunk counts as arrived: at the end of the read of the body that delivered it. A transport whose body
 * hands out scripted reads shows it: chunks in one read are 0 s apart, and a chunk in a later read is as far from
 * the one before as the reads' ends are.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChunkTimingTest {

    private static final long HELD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Telemetry telemetry = new Telemetry();

    @AfterEach
    void stop() {
        telemetry.close();
    }

    @Test
    void chunksOfOneReadAreZeroApartAndALaterReadIsTimedFromTheEndOfTheOneBefore() {
        // Read 1: the opening chunk and two tokens together. Read 2, returned no sooner than 5 ms after read 1
        // ended: the third token and the end.
        ScriptedBody body = new ScriptedBody(OpenAIWire.role() + OpenAIWire.token("a") + OpenAIWire.token("b"),
                OpenAIWire.token("c") + OpenAIWire.finish() + OpenAIWire.done());
        LLM llm = OpenAILLM.builder().baseUrl("http://127.0.0.1:9/v1").apiKey("sk-test").model("m")
                .transport(new OneBody(body)).listener(telemetry.listener).build();

        assertThat(llm.generate("hi")).isEqualTo("abc");

        double between = (body.readEnds[1] - body.readEnds[0]) / 1e9;
        assertThat(telemetry.histogram("gen_ai.client.operation.time_per_output_chunk")).singleElement()
                .satisfies(p -> {
                    assertThat(p.getCount()).as("one per chunk after the first").isEqualTo(2);
                    assertThat(p.getMin()).as("b arrived with a, in one read").isEqualTo(0.0);
                    // Read by the listener just after each read returned: as far apart as the reads' ends, within
                    // the 2 ms time to first chunk is held to.
                    assertThat(p.getMax()).as("c arrived one read later").isCloseTo(between, within(0.002));
                });
    }

    /** A body given out in scripted reads, each in one piece; the second one no sooner than 5 ms after the first. */
    private static final class ScriptedBody extends InputStream {
        private final ArrayDeque<byte[]> reads = new ArrayDeque<>();
        final long[] readEnds = new long[2];
        private int done;

        ScriptedBody(String... reads) {
            for (String r : reads) {
                this.reads.add(r.getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in buffers");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            byte[] next = reads.poll();
            if (next == null) {
                return -1;
            }
            if (next.length > len) {
                throw new IllegalStateException("a scripted read is larger than the reader's buffer");
            }
            if (done == 1) { // a gap of known length: the clock, not a sleep, decides when it is over
                while (System.nanoTime() - readEnds[0] < HELD_NANOS) {
                    Thread.onSpinWait();
                }
            }
            System.arraycopy(next, 0, b, off, next.length);
            readEnds[done++] = System.nanoTime();
            return next.length;
        }
    }

    /** A transport that answers its one request with {@code body}. */
    private record OneBody(InputStream body) implements HttpTransport {
        @Override
        public TransportResponse send(TransportRequest request) {
            return new TransportResponse() {
                @Override
                public int status() {
                    return 200;
                }

                @Override
                public Map<String, List<String>> headers() {
                    return Map.of("content-type", List.of("text/event-stream"));
                }

                @Override
                public InputStream body() {
                    return body;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
