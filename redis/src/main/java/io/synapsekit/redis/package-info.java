/**
 * Streams that survive the instance: {@link io.synapsekit.redis.RedisSseReplayBuffer} keeps each resumable answer
 * in a Redis Stream, so that a client can resume it on any server, stops it from any server, and finds a chat's
 * current stream by key. {@link io.synapsekit.redis.RedisCheckpointer} keeps graph checkpoints there, so that a
 * paused or crashed run resumes on any server.
 */
@NullMarked
package io.synapsekit.redis;

import org.jspecify.annotations.NullMarked;
