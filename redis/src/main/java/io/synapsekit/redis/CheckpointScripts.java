package io.synapsekit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of {@link RedisCheckpointer}: each call is one script, so that a version check and the write it
 * guards, or a head and its pending writes, are one atomic step in Redis.
 *
 * <p>Every script takes the thread's keys in {@link CheckpointKeys#all} order (ids, bodies, writes, touched) and
 * ARGV[1] the time now and ARGV[2] the time to live, in milliseconds of the checkpointer's clock (a TTL of 0: none).
 * A thread last written a TTL ago or longer counts as gone, even before Redis expires its keys. A key holding the
 * wrong kind of value ends the script with an error that starts with {@code BADKEY} and names the key.
 */
final class CheckpointScripts {

    /** The error prefix of a key holding something the scripts did not write. */
    static final String BAD_KEY = "BADKEY ";

    private static final String COMMON = """
            local ttl = tonumber(ARGV[2])
            local function bad(key, what)
                error({err = 'BADKEY ' .. key .. ' ' .. what})
            end
            local function check()
                local want = {'list', 'hash', 'hash', 'string'}
                for i = 1, 4 do
                    local t = redis.call('TYPE', KEYS[i])['ok']
                    if t ~= 'none' and t ~= want[i] then
                        bad(KEYS[i], 'holds a ' .. t .. ', expected a ' .. want[i])
                    end
                end
            end
            local function expired()
                if ttl <= 0 then
                    return false
                end
                local t = redis.call('GET', KEYS[4])
                if not t then
                    return false
                end
                local at = tonumber(t)
                if not at then
                    bad(KEYS[4], 'does not hold a time in milliseconds')
                end
                return tonumber(ARGV[1]) >= at + ttl
            end
            local function touch()
                if ttl > 0 then
                    redis.call('SET', KEYS[4], ARGV[1], 'PX', ttl)
                    for i = 1, 3 do
                        redis.call('PEXPIRE', KEYS[i], ttl)
                    end
                end
            end
            check()
            """;

    /**
     * ARGV[3] version, ARGV[4] checkpoint id, ARGV[5] JSON: appends the checkpoint if the head is the version
     * before; returns -1 when stored (or when this very checkpoint is the head already: a retried put), else the
     * head's version.
     */
    static final LuaScript PUT = LuaScript.of(COMMON + """
            if expired() then
                redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
            end
            local head = redis.call('LLEN', KEYS[1])
            local version = tonumber(ARGV[3])
            if head == version and redis.call('LINDEX', KEYS[1], -1) == ARGV[4] then
                return -1
            end
            if head ~= version - 1 then
                return head
            end
            if redis.call('HSETNX', KEYS[2], ARGV[4], ARGV[5]) == 0 then
                bad(KEYS[2], 'already holds checkpoint ' .. ARGV[4] .. ' at another version')
            end
            redis.call('RPUSH', KEYS[1], ARGV[4])
            touch()
            return -1
            """);

    /** ARGV[3] checkpoint id, ARGV[4] a line: appends a pending write; returns 0 when there is no such checkpoint. */
    static final LuaScript PUT_WRITE = LuaScript.of(COMMON + """
            if expired() or redis.call('HEXISTS', KEYS[2], ARGV[3]) == 0 then
                return 0
            end
            local old = redis.call('HGET', KEYS[3], ARGV[3])
            redis.call('HSET', KEYS[3], ARGV[3], (old or '') .. ARGV[4])
            touch()
            return 1
            """);

    /**
     * ARGV[3] how many: the newest checkpoints, newest first, as id, JSON, pending writes (or nil) triples. A listed
     * id without JSON ends with a {@code BADKEY} error.
     */
    static final LuaScript HISTORY = LuaScript.of(COMMON + """
            local out = {}
            if expired() or tonumber(ARGV[3]) <= 0 then
                return out
            end
            local ids = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[3]), -1)
            for i = #ids, 1, -1 do
                local body = redis.call('HGET', KEYS[2], ids[i])
                if not body then
                    bad(KEYS[2], 'has no checkpoint ' .. ids[i] .. ', which ' .. KEYS[1] .. ' lists')
                end
                out[#out + 1] = ids[i]
                out[#out + 1] = body
                out[#out + 1] = redis.call('HGET', KEYS[3], ids[i])
            end
            return out
            """);

    /** ARGV[3] checkpoint id: that checkpoint as an id, JSON, pending writes (or nil) triple, or nothing. */
    static final LuaScript GET = LuaScript.of(COMMON + """
            if expired() then
                return {}
            end
            local body = redis.call('HGET', KEYS[2], ARGV[3])
            if not body then
                return {}
            end
            return {ARGV[3], body, redis.call('HGET', KEYS[3], ARGV[3])}
            """);

    private CheckpointScripts() {
    }

    /** A script and its SHA-1, by which Redis runs a script it has already seen ({@code EVALSHA}). */
    record LuaScript(String source, String sha1) {

        static LuaScript of(String source) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
                return new LuaScript(source, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-1", e);
            }
        }
    }
}
