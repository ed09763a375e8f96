package io.synapsekit.redis;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;

/**
 * A Redis URI ({@code redis://[[user]:password@]host[:port][/database]}), read once for every Redis type of this
 * module, with its credentials kept out of {@link #toString()} and every message.
 */
final class RedisAddress {

    private final HostAndPort hostAndPort;
    private final int database;
    private final @Nullable String user;
    private final @Nullable String password;

    private RedisAddress(HostAndPort hostAndPort, int database, @Nullable String user, @Nullable String password) {
        this.hostAndPort = hostAndPort;
        this.database = database;
        this.user = user;
        this.password = password;
    }

    /**
     * Reads {@code uri}.
     *
     * @throws IllegalArgumentException when it is not a {@code redis://} URI with a host and an optional database
     *     number; the message shows the URI without its credentials
     */
    static RedisAddress parse(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected redis://host[:port][/database], got " + redacted(uri));
        }
        String path = uri.getPath();
        int database = 0;
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            try {
                database = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the Redis URI's path must be a database number, got " + path);
            }
        }
        String user = null;
        String password = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = colon > 0 ? userInfo.substring(0, colon) : null;
                password = userInfo.substring(colon + 1);
            } else {
                password = userInfo;
            }
        }
        return new RedisAddress(new HostAndPort(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()),
                database, user, password);
    }

    HostAndPort hostAndPort() {
        return hostAndPort;
    }

    /**
     * Returns a client configuration for this address, speaking RESP2 (said outright: Jedis warns on every
     * connection when left to negotiate), with the credentials and database of the URI.
     */
    DefaultJedisClientConfig.Builder clientConfig(int connectTimeoutMillis, int socketTimeoutMillis) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .autoNegotiateProtocol(false)
                .connectionTimeoutMillis(connectTimeoutMillis)
                .socketTimeoutMillis(socketTimeoutMillis)
                .blockingSocketTimeoutMillis(socketTimeoutMillis)
                .database(database);
        if (user != null) {
            config.user(user);
        }
        if (password != null) {
            config.password(password);
        }
        return config;
    }

    /** Returns {@code redis://host:port}: what messages and logs show, never the credentials. */
    @Override
    public String toString() {
        return "redis://" + hostAndPort.getHost() + ":" + hostAndPort.getPort();
    }

    static String redacted(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
    }
}
