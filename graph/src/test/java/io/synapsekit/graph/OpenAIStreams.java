package io.synapsekit.graph;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import okio.BufferedSink;

/** OpenAI Chat Completions streaming bodies for MockWebServer, written from the documented chunk format. */
final class OpenAIStreams {

    private OpenAIStreams() {
    }

    static LLM llm(MockWebServer server) {
        return OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-test-graph").maxRetries(0)
                .build();
    }

    static MockResponse answer(String... tokens) {
        StringBuilder s = new StringBuilder(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (String t : tokens) {
            s.append(token(t));
        }
        s.append(chunk("{}", "\"stop\"")).append("data: [DONE]\n\n");
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(s.toString()).build();
    }

    /**
     * A refusal as OpenAI streams it: an opening chunk with {@code "content":null,"refusal":null}, one
     * {@code delta.refusal} chunk per piece, then {@code finish_reason} "stop" and {@code [DONE]}.
     */
    static MockResponse refusal(String... pieces) {
        StringBuilder s = new StringBuilder(chunk("{\"role\":\"assistant\",\"content\":null,\"refusal\":null}", "null"));
        for (String p : pieces) {
            s.append(chunk("{\"refusal\":\"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}", "null"));
        }
        s.append(chunk("{}", "\"stop\"")).append("data: [DONE]\n\n");
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(s.toString()).build();
    }

    /** Sends {@code tokens}, then ends the body without a finish reason or {@code [DONE]}: a truncated answer. */
    static MockResponse truncated(String... tokens) {
        StringBuilder s = new StringBuilder(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (String t : tokens) {
            s.append(token(t));
        }
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(s.toString()).build();
    }

    /** Streams tokens slowly until the client leaves (a write fails), then counts {@code clientLeft} down. */
    static MockResponse endless(CountDownLatch firstSent, CountDownLatch clientLeft) {
        MockResponseBody body = new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                try {
                    sink.writeUtf8(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    for (int i = 0; System.nanoTime() < deadline; i++) {
                        sink.writeUtf8(token("t" + i + " "));
                        sink.flush();
                        firstSent.countDown();
                        try {
                            TimeUnit.MILLISECONDS.sleep(2); // pacing of the fake server, not synchronisation
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                } catch (IOException e) {
                    clientLeft.countDown();
                    throw e;
                }
            }
        };
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    /** Sends {@code first} as a token, then holds the body open until {@code resume} opens, then finishes. */
    static MockResponse holdAfter(String first, CountDownLatch resume, String... rest) {
        MockResponseBody body = new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.writeUtf8(chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null")).writeUtf8(token(first));
                sink.flush();
                try {
                    if (!resume.await(20, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (String t : rest) {
                    sink.writeUtf8(token(t));
                }
                sink.writeUtf8(chunk("{}", "\"stop\"")).writeUtf8("data: [DONE]\n\n");
                sink.flush();
            }
        };
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    static String token(String text) {
        return chunk("{\"content\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}", "null");
    }

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }
}
