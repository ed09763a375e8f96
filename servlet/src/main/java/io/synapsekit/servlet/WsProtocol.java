package io.synapsekit.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/** How questions are read from, and answers written to, WebSocket text frames. */
sealed interface WsProtocol {

    /** What one incoming message asks for. */
    sealed interface Message {
    }

    /** A question to answer. */
    record Question(String sessionId, String query) implements Message {
    }

    /** Stop the current answer. */
    record Cancel() implements Message {
    }

    /** A message that cannot be served; {@code problem} says why. */
    record Invalid(String sessionId, String problem) implements Message {
    }

    Message read(String text, int maxQueryChars);

    Stream<String> answer(Question question);

    String token(String token, String sessionId);

    String done(String sessionId);

    String cancelled(String sessionId);

    String error(String message, String sessionId);

    /** Text in, a frame per token, {@code [DONE]}; a cancelled answer also just ends with {@code [DONE]}. */
    record Plain(BiFunction<String, String, Stream<String>> answerer) implements WsProtocol {
        @Override
        public Message read(String text, int maxQueryChars) {
            String problem = Requests.checkQuery(text, maxQueryChars);
            return problem == null ? new Question("default", text) : new Invalid("default", problem);
        }

        @Override
        public Stream<String> answer(Question question) {
            return answerer.apply(question.sessionId(), question.query());
        }

        @Override
        public String token(String token, String sessionId) {
            return token;
        }

        @Override
        public String done(String sessionId) {
            return "[DONE]";
        }

        @Override
        public String cancelled(String sessionId) {
            return "[DONE]";
        }

        @Override
        public String error(String message, String sessionId) {
            return "[ERROR] " + message;
        }
    }

    /** The guide's JSON messages, with {@code session_id}; plus {@code cancel}, {@code cancelled}, {@code error}. */
    record Structured(BiFunction<String, String, Stream<String>> answerer) implements WsProtocol {
        @Override
        public Message read(String text, int maxQueryChars) {
            JsonNode json;
            try {
                json = Requests.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                return new Invalid(null, "message is not valid JSON: " + e.getOriginalMessage());
            }
            if (json == null || !json.isObject()) {
                return new Invalid(null, "message must be a JSON object");
            }
            JsonNode sid = json.get("session_id");
            if (sid != null && !sid.isNull() && !sid.isTextual()) {
                return new Invalid(null, "\"session_id\" must be a string");
            }
            String sessionId = sid == null || sid.isNull() ? "default" : sid.asText();
            if (sessionId.length() > 200) {
                return new Invalid(null, "\"session_id\" too long: at most 200 characters");
            }
            JsonNode type = json.get("type");
            if (type != null && type.isTextual() && type.asText().equals("cancel")) {
                return new Cancel();
            }
            if (type != null && !(type.isTextual() && type.asText().equals("query"))) {
                return new Invalid(sessionId, "unknown message type " + type + ": send a query or {\"type\":\"cancel\"}");
            }
            JsonNode query = json.get("query");
            if (query == null || !query.isTextual()) {
                return new Invalid(sessionId, "message must have a string \"query\"");
            }
            String problem = Requests.checkQuery(query.asText(), maxQueryChars);
            return problem == null ? new Question(sessionId, query.asText()) : new Invalid(sessionId, problem);
        }

        @Override
        public Stream<String> answer(Question question) {
            return answerer.apply(question.sessionId(), question.query());
        }

        @Override
        public String token(String token, String sessionId) {
            return message("token", token, sessionId);
        }

        @Override
        public String done(String sessionId) {
            return message("done", null, sessionId);
        }

        @Override
        public String cancelled(String sessionId) {
            return message("cancelled", null, sessionId);
        }

        @Override
        public String error(String message, String sessionId) {
            return message("error", message, sessionId);
        }

        /** Fields in the guide's order: type, content, session_id. */
        private static String message(String type, String content, String sessionId) {
            ObjectNode json = Requests.JSON.createObjectNode().put("type", type);
            if (content != null) {
                json.put("content", content);
            }
            if (sessionId != null) {
                json.put("session_id", sessionId);
            }
            return json.toString();
        }
    }
}
