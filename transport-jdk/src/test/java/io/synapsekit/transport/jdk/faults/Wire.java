package io.synapsekit.transport.jdk.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/** OpenAI Chat Completions SSE wire text, from the documented chunk format. */
final class Wire {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    static String role() {
        return chunk("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
    }

    static String token(String text) {
        return chunk("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":" + quote(text) + "},\"finish_reason\":null}]}");
    }

    static String finish() {
        return chunk("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"stop\"}]}");
    }

    static String chunk(String json) {
        return "data: " + json + "\n\n";
    }

    /** A whole answer: role, one chunk per token, finish, [DONE]. */
    static String answer(List<String> tokens) {
        StringBuilder s = new StringBuilder(role());
        tokens.forEach(t -> s.append(token(t)));
        return s.append(finish()).append("data: [DONE]\n\n").toString();
    }

    static String tokens(List<String> tokens) {
        StringBuilder s = new StringBuilder();
        tokens.forEach(t -> s.append(token(t)));
        return s.toString();
    }

    static List<String> numbered(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("t" + i + " ");
        }
        return out;
    }

    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
