package io.synapsekit.redis;

/**
 * The Lua scripts of the buffer. Reader leases are scored with Redis's own clock ({@code TIME}), so that servers
 * whose clocks differ agree on when a lease ends.
 */
final class Scripts {

    /** KEYS[1] readers; ARGV: member, milliseconds from now until its lease ends, TTL of the set. */
    static final String TOUCH_READER = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /** KEYS[1] readers; returns how many leases have not ended, dropping those that have. */
    static final String LIVE_READERS = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            return redis.call('ZCARD', KEYS[1])
            """;

    /** KEYS[1] active key; ARGV[1] stream id: deletes the key only if it still names that stream. */
    static final String CLEAR_IF_SAME = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
                return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private Scripts() {
    }
}
