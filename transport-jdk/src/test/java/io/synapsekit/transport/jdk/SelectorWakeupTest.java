package io.synapsekit.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cookie handler that wakes HttpClient's selector: it keeps no cookies, refuses only its sentinel, and waking
 * a client that is shut down is quiet. That the wake-up closes aborted connections at once is proved end to end by
 * the graph module's CloseStressTest.
 */
class SelectorWakeupTest {

    @Test
    void keepsNoCookiesAndRefusesOnlyItsSentinel() throws IOException {
        SelectorWakeup wakeup = new SelectorWakeup();
        wakeup.put(URI.create("https://api.example.com/v1"), Map.of("Set-Cookie", List.of("a=1")));
        assertThat(wakeup.get(URI.create("https://api.example.com/v1"), Map.of())).isEmpty();
        assertThatThrownBy(() -> wakeup.get(URI.create("http://selector-wakeup.synapsekit.invalid/"), Map.of()))
                .isInstanceOf(IOException.class).hasMessage("selector wake-up: not sent");
    }

    @Test
    void wakingAClientThatIsShutDownDoesNothing() {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new SelectorWakeup()).build();
        client.shutdownNow();
        assertThatCode(() -> SelectorWakeup.wake(client)).as("client shut down").doesNotThrowAnyException();
    }
}
