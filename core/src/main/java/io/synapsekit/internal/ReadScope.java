package io.synapsekit.internal;

import io.synapsekit.observe.Scope;
import org.jspecify.annotations.Nullable;

/**
 * The listeners' context of one observed call, made current on the reading thread around each read of its body
 * and each retry's send, so that what runs there (the transport's read, a retry's HTTP span) is inside the call;
 * and where the decoder hands what it read about the response itself.
 */
interface ReadScope {

    /** Makes the call's context current on this thread; never throws. */
    Scope enter();

    /** Ends {@code scope}, which {@link #enter()} returned on this thread; never throws. */
    void exit(Scope scope);

    /** Tells the listeners the response's id and model, as the decoder read them; never throws. */
    void response(@Nullable String id, @Nullable String model);
}
