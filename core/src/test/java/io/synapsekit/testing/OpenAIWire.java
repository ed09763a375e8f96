package io.synapsekit.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Chat Completions SSE wire text, written from OpenAI's documented chunk format; shared by the tests of every
 * module that talks to a mock OpenAI server.
 */
public final class OpenAIWire {

    private OpenAIWire() {
    }

    public static String role() {
        return chunk("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
    }

    public static String token(String text) {
        return chunk("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + quote(text) + "},\"finish_reason\":null}]}");
    }

    public static String finish(String reason) {
        return chunk("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}");
    }

    public static String usage(int prompt, int completion) {
        return chunk("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}");
    }

    public static String done() {
        return "data: [DONE]\n\n";
    }

    public static String chunk(String json) {
        return "data: " + json + "\n\n";
    }

    /** A whole answer as OpenAI streams it: role chunk, one chunk per token, finish, usage, [DONE]. */
    public static String answer(String... tokens) {
        StringBuilder s = new StringBuilder(role());
        for (String t : tokens) {
            s.append(token(t));
        }
        return s.append(finish("stop")).append(usage(9, tokens.length)).append(done()).toString();
    }

    /** The usual end of an answer: {@code finish_reason} "stop". */
    public static String finish() {
        return finish("stop");
    }

    /** A whole answer without a usage chunk: role, one chunk per token, finish, [DONE]. */
    public static String answer(java.util.List<String> tokens) {
        StringBuilder s = new StringBuilder(role());
        tokens.forEach(t -> s.append(token(t)));
        return s.append(finish()).append(done()).toString();
    }

    /** One chunk per token, nothing else. */
    public static String tokens(java.util.List<String> tokens) {
        StringBuilder s = new StringBuilder();
        tokens.forEach(t -> s.append(token(t)));
        return s.toString();
    }

    public static List<String> numbered(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("t" + i + " ");
        }
        return out;
    }

    public static String quote(String text) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
