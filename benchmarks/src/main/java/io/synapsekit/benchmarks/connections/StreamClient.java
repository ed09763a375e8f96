package io.synapsekit.benchmarks.connections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One browser of {@link StreamConnectionsBenchmark}: a plain socket speaking HTTP/1.1 (what a browser's
 * {@code fetch} sends, chunked response included), which posts one question and reads the SSE to the end, then
 * checks that the stream arrived whole. A socket rather than {@code HttpClient}: thousands of them on virtual
 * threads cost the client little, and nothing between the bytes and the check can hide a cut stream.
 */
final class StreamClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamClient() {
    }

    /**
     * Asks {@code question} and reads the answer; returns {@code null} when it arrived whole with the text
     * {@code expected}, otherwise what was wrong.
     */
    static String ask(int port, String variant, String question, String chatId, String expected, int timeoutMs)
            throws IOException {
        String path;
        String body;
        if (variant.equals("ui")) {
            path = "/api/chat";
            body = "{\"id\":\"" + chatId + "\",\"trigger\":\"submit-message\",\"messages\":[{\"id\":\"u-" + chatId
                    + "\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"" + question + "\"}]}]}";
        } else {
            path = "/stream";
            body = "{\"query\":\"" + question + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            String status = line(in);
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                return "status " + status;
            }
            boolean chunked = false;
            String header;
            while ((header = line(in)) != null && !header.isEmpty()) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:")
                        && header.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            List<String[]> events = events(chunked ? new Dechunked(in) : in);
            return variant.equals("ui") ? checkUi(events, expected) : checkPlain(events, expected);
        }
    }

    /** The UI message stream: {@code start} first, the text deltas equal to the answer, {@code finish}, {@code [DONE]}. */
    private static String checkUi(List<String[]> events, String expected) throws IOException {
        if (events.isEmpty() || !events.get(events.size() - 1)[1].equals("[DONE]")) {
            return "no [DONE] at the end";
        }
        StringBuilder text = new StringBuilder();
        boolean finished = false;
        for (int i = 0; i < events.size() - 1; i++) {
            JsonNode chunk = JSON.readTree(events.get(i)[1]);
            String type = chunk.path("type").asText();
            if (i == 0 && !(type.equals("start") && chunk.hasNonNull("messageId"))) {
                return "first chunk is not start with a messageId: " + events.get(i)[1];
            }
            switch (type) {
                case "text-delta" -> text.append(chunk.path("delta").asText());
                case "finish" -> finished = true;
                case "error", "abort" -> {
                    return "stream ended with " + events.get(i)[1];
                }
                default -> { }
            }
        }
        if (!finished) {
            return "no finish chunk";
        }
        return text.toString().equals(expected) ? null : "text differs: " + text.length() + " chars";
    }

    /** Our plain token stream: the message events equal to the answer, then {@code [DONE]}. */
    private static String checkPlain(List<String[]> events, String expected) {
        if (events.isEmpty() || !events.get(events.size() - 1)[1].equals("[DONE]")) {
            return "no [DONE] at the end";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size() - 1; i++) {
            if (!events.get(i)[0].equals("message")) {
                return "event " + events.get(i)[0] + ": " + events.get(i)[1];
            }
            text.append(events.get(i)[1]);
        }
        return text.toString().equals(expected) ? null : "text differs: " + text.length() + " chars";
    }

    /** The SSE events of {@code in} to its end, each {@code {event name, data}}; comments and ids skipped. */
    private static List<String[]> events(InputStream in) throws IOException {
        List<String[]> events = new ArrayList<>();
        String name = "message";
        StringBuilder data = null;
        String line;
        while ((line = line(in)) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new String[] {name, data.toString()});
                }
                name = "message";
                data = null;
            } else if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            }
        }
        return events;
    }

    /** One line without its end ({@code \n} or {@code \r\n}), decoded as UTF-8; {@code null} at the end. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.write(c);
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        byte[] bytes = b.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** HTTP/1.1 chunked transfer decoding; ends at the last (empty) chunk. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CRLF after the previous chunk's data
                }
                if (size == null) {
                    throw new IOException("the stream was cut inside the chunked body");
                }
                int semicolon = size.indexOf(';');
                left = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            left--;
            return in.read();
        }
    }
}
