package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.InvalidRequestException;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.RateLimitException;
import io.synapsekit.llm.ServerException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one mapping from unsuccessful HTTP responses to typed errors, shared by every provider. */
class HttpErrorsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    record Response(int status, Map<String, List<String>> headers) implements TransportResponse {
        @Override
        public InputStream body() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public void close() {
        }
    }

    static LLMException map(int status, String body, Map<String, List<String>> headers) {
        return HttpErrors.map("p", new Response(status, headers), body, "check model m", "sk-secret-key", CLOCK);
    }

    @ParameterizedTest
    @CsvSource({"401,AuthenticationException", "403,AuthenticationException", "429,RateLimitException",
        "500,ServerException", "503,ServerException", "400,InvalidRequestException", "404,InvalidRequestException",
        "422,InvalidRequestException", "408,InvalidRequestException"})
    void statusesMapToTypes(int status, String type) {
        LLMException e = map(status, "{\"error\":{\"message\":\"boom\",\"type\":\"t\"}}", Map.of());
        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        assertThat(e.getMessage()).startsWith("p: HTTP " + status + ": boom (t)");
        assertThat(e.httpStatus()).hasValue(status);
    }

    @Test
    void retryabilityFollowsTheStatus() {
        assertThat(map(429, "", Map.of()).isRetryable()).isTrue();
        assertThat(map(502, "", Map.of()).isRetryable()).isTrue();
        assertThat(map(408, "", Map.of()).isRetryable()).isTrue();
        assertThat(map(409, "", Map.of()).isRetryable()).isTrue();
        assertThat(map(400, "", Map.of()).isRetryable()).isFalse();
        assertThat(map(401, "", Map.of()).isRetryable()).isFalse();
    }

    @Test
    void notFoundNamesWhatWasNotFound() {
        assertThat(map(404, "{\"error\":{\"message\":\"The model `x` does not exist\"}}", Map.of()).getMessage())
                .contains("does not exist").contains("check model m");
    }

    @Test
    void retryAfterInSecondsHttpDateAndMilliseconds() {
        assertThat(((RateLimitException) map(429, "", Map.of("retry-after", List.of("7")))).retryAfter())
                .contains(Duration.ofSeconds(7));
        assertThat(((RateLimitException) map(429, "", Map.of("retry-after", List.of("Tue, 24 Nov 2026 12:00:30 GMT"))))
                .retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(((RateLimitException) map(429, "",
                Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("9")))).retryAfter())
                .contains(Duration.ofMillis(1500));
        assertThat(((ServerException) map(503, "", Map.of("retry-after", List.of("soon")))).retryAfter()).isEmpty();
        assertThat(((RateLimitException) map(429, "", Map.of())).retryAfter()).isEmpty();
    }

    @Test
    void providerMessagesAreFoundInEveryKnownShape() {
        assertThat(HttpErrors.providerMessage("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}")).isEqualTo(new HttpErrors.ProviderMessage("Overloaded", "overloaded_error"));
        assertThat(HttpErrors.providerMessage("[{\"error\":{\"code\":400,\"message\":\"API key not valid\","
                + "\"status\":\"INVALID_ARGUMENT\"}}]").message()).isEqualTo("API key not valid");
        assertThat(HttpErrors.providerMessage("{\"error\":\"model 'llama9' not found\"}").message())
                .isEqualTo("model 'llama9' not found");
        assertThat(HttpErrors.providerMessage("{\"detail\":\"Not authenticated\"}").message())
                .isEqualTo("Not authenticated");
        assertThat(HttpErrors.providerMessage("<html>" + "x".repeat(500) + "</html>").message())
                .hasSize(201).startsWith("<html>").endsWith("…");
    }

    @Test
    void aKeyEchoedByTheServerIsRedacted() {
        LLMException e = map(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-key\"}}", Map.of());
        assertThat(e).isInstanceOf(AuthenticationException.class);
        assertThat(e.getMessage()).doesNotContain("sk-secret-key").contains("██");
    }

    @Test
    void geminiBadKeyIsAnAuthenticationError() {
        String body = "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\","
                + "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"reason\":\"API_KEY_INVALID\"}]}}";
        assertThat(map(400, body, Map.of())).isInstanceOf(AuthenticationException.class);
        assertThat(map(400, "{\"error\":{\"message\":\"bad temperature\"}}", Map.of()))
                .isInstanceOf(InvalidRequestException.class);
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "overloaded_error, -, SERVER", "api_error, -, SERVER", "rate_limit_error, -, RATE_LIMIT",
            "server_error, -, SERVER", "requests, rate_limit_exceeded, RATE_LIMIT", "-, 502, SERVER",
            "-, 429, RATE_LIMIT", "UNAVAILABLE, 503, SERVER", "RESOURCE_EXHAUSTED, 429, RATE_LIMIT",
            "INTERNAL, 500, SERVER", "DEADLINE_EXCEEDED, 504, SERVER", "invalid_request_error, -, OTHER",
            "insufficient_quota, -, OTHER", "SAFETY, -, OTHER", "INVALID_ARGUMENT, 400, OTHER", "-, -, OTHER",
            "BadRequestError, 400, OTHER", "-, 5000, OTHER"})
    void anInStreamErrorIsTypedByWhatItsTypeAndCodeSay(String type, String code, HttpErrors.Nature expected) {
        assertThat(HttpErrors.nature(type, code)).isEqualTo(expected);
        LLMException e = HttpErrors.streamError("p", type == null ? "" : type, code == null ? "" : code, "m",
                io.synapsekit.llm.PartialResult.EMPTY);
        assertThat(e).isInstanceOf(switch (expected) {
            case RATE_LIMIT -> RateLimitException.class;
            case SERVER -> ServerException.class;
            case OTHER -> io.synapsekit.llm.ProviderErrorException.class;
        });
        assertThat(e.isRetryable()).isEqualTo(expected != HttpErrors.Nature.OTHER);
        assertThat(e.httpStatus()).isEmpty();
        assertThat(HttpErrors.streamError("p", type == null ? "" : type, code == null ? "" : code, "m",
                io.synapsekit.llm.PartialResult.ofText("some")).isRetryable()).as("after content, never").isFalse();
    }
}
