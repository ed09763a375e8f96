package io.synapsekit.redis;

/**
 * The Redis keys of one buffer. A stream's keys share the hash tag {@code {id}}, so that a Redis Cluster keeps them
 * on one node.
 */
record RedisKeys(String prefix) {

    /** The Redis Stream holding the events; entry {@code n-0} is event n, {@code 0-1} the start, {@code n-2} the end. */
    String events(String streamId) {
        return prefix + "{" + streamId + "}:events";
    }

    /** The producer's lease: present while the server producing the stream is alive. */
    String producer(String streamId) {
        return prefix + "{" + streamId + "}:producer";
    }

    /** A sorted set of the stream's readers on every server, each scored with the time its lease ends. */
    String readers(String streamId) {
        return prefix + "{" + streamId + "}:readers";
    }

    /** Present when a stop of the stream was requested: read by the producer's heartbeat, should pub/sub miss it. */
    String stop(String streamId) {
        return prefix + "{" + streamId + "}:stop";
    }

    /** The stream currently answering {@code key}. */
    String active(String key) {
        return prefix + "active:" + key;
    }

    /** The pub/sub channel on which stops are announced, with the stream id as the message. */
    String stopChannel() {
        return prefix + "stop";
    }
}
