package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one-process stream control: stops reach registered producers once; active streams by key. */
class InProcessStreamControlTest {

    @Test
    void aStopRunsTheProducersActionOnceAndOnlyWhileRegistered() {
        StreamControl control = StreamControl.inProcess();
        AtomicInteger stops = new AtomicInteger();
        Registration r = control.onStop("s", stops::incrementAndGet);

        control.stop("other");
        control.stop("s");
        control.stop("s");
        assertThat(stops).hasValue(1);

        AtomicInteger later = new AtomicInteger();
        control.onStop("t", later::incrementAndGet).close();
        control.stop("t");
        assertThat(later).hasValue(0);
        r.close();
    }

    @Test
    void theActiveStreamOfAKeyIsClearedOnlyByItsOwnStream() {
        StreamControl control = StreamControl.inProcess();
        assertThat(control.activeStream("chat")).isEmpty();
        control.markActive("chat", "s1");
        control.markActive("chat", "s2");
        control.clearActive("chat", "s1");
        assertThat(control.activeStream("chat")).contains("s2");
        control.clearActive("chat", "s2");
        assertThat(control.activeStream("chat")).isEmpty();
    }
}
