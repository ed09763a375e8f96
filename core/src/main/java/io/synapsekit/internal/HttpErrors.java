package io.synapsekit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.InvalidRequestException;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.PartialResult;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns an unsuccessful HTTP response into a typed {@link LLMException}, for every provider.
 */
public final class HttpErrors {

    /** Error bodies are small; a server that sends more is cut off rather than read into memory. */
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    static final int MAX_MESSAGE_CHARS = 200;

    private HttpErrors() {
    }

    /**
     * Returns the error for a non-2xx response whose body has been read.
     *
     * @param hint404 added to 404 errors to say what was not found; may be empty
     * @param secret redacted wherever it appears; may be {@code null}
     */
    static LLMException map(String provider, TransportResponse response, String body, String hint404,
            @Nullable String secret, Clock clock) {
        int status = response.status();
        ProviderMessage pm = providerMessage(body);
        String message = pm.message().isEmpty() ? reason(status) : pm.message();
        if (!pm.type().isEmpty()) {
            message = message + " (" + pm.type() + ")";
        }
        if (status == 404 && hint404 != null && !hint404.isEmpty()) {
            message = message + "; " + hint404;
        }
        message = redact(message, secret);
        Duration retryAfter = retryAfter(response, clock);
        // Gemini answers a bad key with 400 INVALID_ARGUMENT whose details name the reason API_KEY_INVALID.
        boolean badKey = status == 400 && body != null && body.contains("\"API_KEY_INVALID\"");
        if (status == 401 || status == 403 || badKey) {
            return new AuthenticationException(provider, status, message, null);
        }
        if (status == 429) {
            return new RateLimitException(provider, status, message, retryAfter, PartialResult.EMPTY);
        }
        if (status >= 500) {
            return new ServerException(provider, status, message, retryAfter, PartialResult.EMPTY);
        }
        if (status >= 400) {
            return new InvalidRequestException(provider, status, message);
        }
        String where = response.header("location").map(l -> " to " + cut(l)).orElse("");
        return new LLMException(provider, status, "unexpected response" + where + ": " + message,
                PartialResult.EMPTY, null);
    }

    /** What an error reported inside a stream says about trying again. */
    enum Nature {
        /** Too many requests or tokens: passes with time. */
        RATE_LIMIT,
        /** Overloaded, unavailable or failing on the provider's side: passes with time. */
        SERVER,
        /** Anything else (a bad request, a policy refusal, an exhausted quota): sending again fails again. */
        OTHER
    }

    /**
     * Returns the nature of an error a provider reported inside a stream, from its error type and code as the
     * providers name them: Anthropic's {@code rate_limit_error}, {@code overloaded_error} and {@code api_error};
     * OpenAI's {@code rate_limit_exceeded} and {@code server_error}; Gemini's {@code RESOURCE_EXHAUSTED},
     * {@code UNAVAILABLE}, {@code INTERNAL} and {@code DEADLINE_EXCEEDED}; and an HTTP status given as the code
     * (429, 5xx), as OpenAI-compatible gateways send it.
     */
    static Nature nature(String... typesAndCodes) {
        Nature found = Nature.OTHER;
        for (String value : typesAndCodes) {
            if (value == null || value.isEmpty()) {
                continue;
            }
            String t = value.toLowerCase(Locale.ROOT);
            if (t.contains("rate_limit") || t.equals("429") || t.equals("resource_exhausted")) {
                return Nature.RATE_LIMIT;
            }
            if (t.contains("overloaded") || t.equals("api_error") || t.contains("server_error")
                    || t.contains("unavailable") || t.equals("internal") || t.equals("internal_error")
                    || t.equals("deadline_exceeded") || t.matches("5\\d\\d")) {
                found = Nature.SERVER;
            }
        }
        return found;
    }

    /**
     * Returns the error for a failure a provider reported inside a stream, typed by its nature: a
     * {@link RateLimitException}, a {@link ServerException}, or else a {@link ProviderErrorException}. The first
     * two are retryable while nothing was delivered, like their HTTP counterparts; the provider's type stays in the
     * message, as for HTTP errors.
     *
     * @param type the provider's error type, or {@code ""}
     * @param code the provider's error code, or {@code ""}
     * @param message the provider's message, already redacted
     */
    static LLMException streamError(String provider, String type, String code, String message,
            PartialResult partial) {
        String named = type == null || type.isEmpty() ? (code == null ? "" : code) : type;
        return switch (nature(type, code)) {
            case RATE_LIMIT -> new RateLimitException(provider, 0, withType(message, named), null, partial);
            case SERVER -> new ServerException(provider, 0, withType(message, named), null, partial);
            case OTHER -> new ProviderErrorException(provider, named, message, partial);
        };
    }

    private static String withType(String message, String type) {
        return type.isEmpty() || message.contains(type) ? message : message + " (" + type + ")";
    }

    /** Reads at most {@value #MAX_ERROR_BODY_BYTES} bytes of an error body as UTF-8; "" when it cannot. */
    static String readErrorBody(TransportResponse response) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_ERROR_BODY_BYTES);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The provider's own words from an error body: its message and its error type or code. */
    record ProviderMessage(String message, String type) {
    }

    /**
     * Extracts the provider's message from the error body shapes in use: OpenAI and compatibles
     * ({@code {"error":{"message","type","code"}}}), Anthropic ({@code {"type":"error","error":{"type","message"}}}),
     * Gemini ({@code {"error":{"code","message","status"}}}), Ollama and others ({@code {"error":"…"}}), FastAPI
     * ({@code {"detail":…}}), and plain text.
     */
    static ProviderMessage providerMessage(String body) {
        if (body == null || body.isBlank()) {
            return new ProviderMessage("", "");
        }
        try {
            JsonNode root = Json.parse(body);
            if (root.isArray() && !root.isEmpty()) {
                root = root.get(0); // Gemini wraps some errors in a one-element array
            }
            JsonNode error = root.get("error");
            if (error != null && error.isObject()) {
                String type = firstText(error, "type", "status", "code");
                return new ProviderMessage(cut(firstText(error, "message")), cut(type));
            }
            if (error != null && error.isTextual()) {
                return new ProviderMessage(cut(error.asText()), cut(firstText(root, "type", "code")));
            }
            String message = firstText(root, "message", "detail", "error_description");
            if (!message.isEmpty()) {
                return new ProviderMessage(cut(message), cut(firstText(root, "type", "code")));
            }
            JsonNode detail = root.get("detail");
            if (detail != null) {
                return new ProviderMessage(cut(detail.toString()), "");
            }
        } catch (IOException | RuntimeException notJson) {
            // Not JSON: a proxy's HTML page or plain text. Quote it, cut.
        }
        return new ProviderMessage(cut(body.strip()), "");
    }

    private static String firstText(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && (v.isTextual() || v.isNumber()) && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return "";
    }

    /**
     * Returns how long the server asked to wait: {@code retry-after-ms} (milliseconds), else {@code Retry-After}
     * as delay-seconds or an HTTP-date; {@code null} when absent or unreadable.
     */
    static @Nullable Duration retryAfter(TransportResponse response, Clock clock) {
        String ms = response.header("retry-after-ms").orElse(null);
        if (ms != null) {
            try {
                double v = Double.parseDouble(ms.trim());
                if (v >= 0 && Double.isFinite(v)) {
                    return Duration.ofNanos((long) (v * 1_000_000));
                }
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String ra = response.header("retry-after").orElse(null);
        if (ra == null || ra.isBlank()) {
            return null;
        }
        String value = ra.trim();
        try {
            double seconds = Double.parseDouble(value);
            return seconds >= 0 && Double.isFinite(seconds) ? Duration.ofMillis((long) (seconds * 1000)) : null;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** Replaces every occurrence of {@code secret} in {@code text}. */
    static String redact(String text, @Nullable String secret) {
        if (text == null || secret == null || secret.length() < 4) {
            return text;
        }
        return text.replace(secret, "██");
    }

    /** Returns the hint an HTTP 404 gets when a request names {@code model} at {@code endpoint}. */
    public static String notFoundHint(String model, java.net.URI endpoint) {
        return "check the model \"" + model + "\" and the URL " + endpoint;
    }

    /** Cuts {@code text} to {@value #MAX_MESSAGE_CHARS} characters, marking the cut. */
    public static String cut(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 408 -> "request timeout";
            case 409 -> "conflict";
            case 413 -> "request too large";
            case 422 -> "unprocessable request";
            case 429 -> "too many requests";
            case 500 -> "internal server error";
            case 502 -> "bad gateway";
            case 503 -> "service unavailable";
            case 504 -> "gateway timeout";
            default -> "unexpected status";
        };
    }
}
