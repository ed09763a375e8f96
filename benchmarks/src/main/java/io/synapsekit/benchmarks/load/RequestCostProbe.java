package io.synapsekit.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.benchmarks.InMemoryTransport;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The CPU one short request costs a client's own code, without the socket and {@code HttpClient}: {@code
 * OpenAILLM.open} read to the end over an in-memory transport that returns the mock server's 20-token body (the
 * request body, the retry and limit checks, the watchdog and its deadline, the Cleaner registration, the SSE parser
 * and decoder), against the raw client's own work on the same body (its request body, {@code readLine} and a
 * {@code readTree} per chunk). Single thread, thread CPU time, 10 rounds of 20,000 requests each, alternating. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.load.RequestCostProbe}.
 */
public final class RequestCostProbe {

    private static final int REQUESTS = 20_000;

    private RequestCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = MockOpenAIServer.sseBody(20);
        Duration longTime = Duration.ofSeconds(300);
        OpenAILLM llm = OpenAILLM.builder().baseUrl("http://127.0.0.1:1/v1").apiKey("sk-bench").maxRetries(0)
                .connectTimeout(longTime).firstTokenTimeout(longTime).idleTimeout(longTime)
                .transport(new InMemoryTransport(body)).build();
        ObjectMapper mapper = new ObjectMapper();
        com.sun.management.ThreadMXBean cpu = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < 10; round++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < REQUESTS; i++) {
                try (LLMStream answer = llm.open("Why is the sky blue?")) {
                    while (answer.hasNext()) {
                        sink += answer.next().length();
                    }
                }
            }
            long c1 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < REQUESTS; i++) {
                sink += LoadClients.requestBody("Why is the sky blue?").length();
                BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                        JsonNode content = mapper.readTree(line.substring(6)).path("choices").path(0).path("delta")
                                .path("content");
                        sink += content.isTextual() ? content.asText().length() : 0;
                    }
                }
            }
            long c2 = cpu.getCurrentThreadCpuTime();
            System.out.printf(Locale.ROOT, "round %d: ours %.2f us per request, raw's own code %.2f us%n", round + 1,
                    (c1 - c0) / 1e3 / REQUESTS, (c2 - c1) / 1e3 / REQUESTS);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
