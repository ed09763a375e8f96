package io.synapsekit.examples.web;

import io.synapsekit.redis.RedisSseReplayBuffer;
import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.SseReplayBuffer;
import io.synapsekit.server.SseResponse;
import java.net.URI;

/**
 * The web demo's resumable SSE: in this process's memory, or, with {@code --redis redis://host:port}, in Redis,
 * shared with every other demo instance on the same Redis (start two with different {@code --port}s: a client may
 * resume on either, and a stop posted to either stops the answer wherever it runs). The same goes for the chat
 * at {@code /api/chat}: {@link #chat()} streams through the same buffer, so the {@code /chat/} page resumes and
 * stops its answer on either instance.
 */
public final class ResumableStreams implements AutoCloseable {

    private final SseResponse response;
    private final SseResponse chat;
    private final RedisSseReplayBuffer redis; // null: in memory

    private ResumableStreams(SseReplayBuffer buffer, RedisSseReplayBuffer redis) {
        this.response = SseResponse.builder().replay(buffer).build();
        // The chat's answers outlive a page reload, hence its longer grace; the buffer (and so the stops) is shared.
        this.chat = SseResponse.builder().replay(buffer).resumeGrace(ChatDemo.RESUME_GRACE).build();
        this.redis = redis;
    }

    /** Returns in-memory streams, or Redis-backed ones when {@code args} hold {@code --redis <uri>}. */
    public static ResumableStreams from(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--redis")) {
                return redis(URI.create(args[i + 1]));
            }
        }
        return new ResumableStreams(InMemorySseReplayBuffer.create(), null);
    }

    /** Returns streams shared through Redis at {@code uri}; fails fast when it is unreachable. */
    public static ResumableStreams redis(URI uri) {
        RedisSseReplayBuffer buffer = RedisSseReplayBuffer.connect(uri);
        return new ResumableStreams(buffer, buffer);
    }

    public SseResponse response() {
        return response;
    }

    /** Returns the response of the chat at {@code /api/chat}: the same buffer, the chat's resume grace. */
    public SseResponse chat() {
        return chat;
    }

    /** Says where the streams live, for the demo's banner. */
    public String description() {
        return redis == null ? "in memory (this instance only)" : "shared through " + redis;
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
