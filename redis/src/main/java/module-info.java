/**
 * SynapseKit Redis: resumable Server-Sent Events streams shared by several servers through Redis, with stop from
 * any server and a chat's active stream found by key; and graph checkpoints in Redis, so runs resume on any server.
 */
module io.synapsekit.redis {
    requires transitive io.synapsekit.server;
    requires transitive io.synapsekit.graph;
    requires com.fasterxml.jackson.databind;
    requires redis.clients.jedis;
    requires org.slf4j;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit.redis;
}
