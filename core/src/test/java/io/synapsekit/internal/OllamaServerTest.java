package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Ollama server that chat and embeddings clients both find from {@code OLLAMA_HOST}. */
class OllamaServerTest {

    @ParameterizedTest(name = "OLLAMA_HOST={0}")
    @CsvSource({
        "127.0.0.1, http://127.0.0.1:11434",
        "localhost:8080, http://localhost:8080",
        "0.0.0.0, http://127.0.0.1:11434",
        "0.0.0.0:9999, http://127.0.0.1:9999",
        ":1234, http://127.0.0.1:1234",
        "gpu-box, http://gpu-box:11434",
        "http://gpu-box, http://gpu-box:80",
        "https://ollama.example.com, https://ollama.example.com:443",
        "https://ollama.example.com:8443/proxy, https://ollama.example.com:8443/proxy",
        "[::1]:11435, http://[::1]:11435",
        "'  example.com:11434  ', http://example.com:11434",
    })
    void ollamaHostIsReadAsTheOllamaCommandReadsIt(String value, String expected) {
        assertThat(OllamaServer.baseUrlFromHost(value)).isEqualTo(expected);
    }
}
