package io.synapsekit.internal;

import io.synapsekit.llm.HttpLLMBuilder;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the time limits and retry policy out of an {@link HttpLLMBuilder} for our providers, without putting the
 * internal {@link ClientSettings} type on the builder's public (or protected) surface. The builder registers the
 * accessor when its class initialises, as the JDK's "shared secrets" do.
 */
public final class BuilderSettings {

    private static volatile Function<HttpLLMBuilder<?>, ClientSettings> access;

    private BuilderSettings() {
    }

    /** Called once, by {@link HttpLLMBuilder}'s static initialiser. */
    public static void register(Function<HttpLLMBuilder<?>, ClientSettings> accessor) {
        if (access != null) {
            throw new IllegalStateException("already registered");
        }
        access = Objects.requireNonNull(accessor);
    }

    /** Returns {@code builder}'s settings. Its class is initialised, since an instance exists. */
    public static ClientSettings of(HttpLLMBuilder<?> builder) {
        return access.apply(builder);
    }
}
