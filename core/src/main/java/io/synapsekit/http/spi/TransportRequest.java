package io.synapsekit.http.spi;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request to send through an {@link HttpTransport}. Immutable.
 *
 * <p>{@link #toString()} shows the values of a few well-known descriptive headers only ({@code Content-Type},
 * {@code Accept}, API version headers…) and redacts every other value: a credential may travel in any header a
 * user or gateway chose ({@code X-Portkey-Api-Key}, {@code X-Gateway-Token}), not only in the ones we know.
 *
 * @param method the HTTP method, e.g. {@code "POST"}
 * @param uri the absolute {@code http} or {@code https} URI
 * @param headers header names to values, in the order given
 * @param body the request body; empty for none
 * @param headersTimeout the longest wait for the status line and headers once the request is sent
 */
public record TransportRequest(
        String method, URI uri, Map<String, List<String>> headers, byte[] body, Duration headersTimeout) {

    private static final Set<String> SECRET_HEADERS = Set.of(
            "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie");

    public TransportRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headersTimeout, "headersTimeout");
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("uri must be absolute http or https: " + uri);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body.clone();
    }

    /** Returns a copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Returns whether {@code name} is a header whose value is a credential and must never be printed. */
    public static boolean isSecretHeader(String name) {
        return SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Headers whose values describe the request and are safe to print. */
    private static final Set<String> DESCRIPTIVE_HEADERS = Set.of(
            "accept", "content-type", "user-agent", "anthropic-version", "anthropic-beta");

    @Override
    public String toString() {
        List<String> shown = new ArrayList<>();
        headers.forEach((name, values) -> shown.add(name + "="
                + (DESCRIPTIVE_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? values : "██")));
        return "TransportRequest[" + method + " " + uri + ", headers=" + shown + ", body=" + body.length
                + " bytes, headersTimeout=" + headersTimeout + "]";
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TransportRequest r && method.equals(r.method) && uri.equals(r.uri)
                && headers.equals(r.headers) && java.util.Arrays.equals(body, r.body)
                && headersTimeout.equals(r.headersTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, headers, java.util.Arrays.hashCode(body), headersTimeout);
    }
}
