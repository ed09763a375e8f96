package io.synapsekit.internal.leak;

import java.lang.ref.Cleaner;

/**
 * The library's one {@link Cleaner}: streams dropped without close are released through it. One, not one per
 * class, because each cleaner has a thread of its own for as long as the library is loaded (in a servlet container,
 * until the web application's class loader is collected).
 */
public final class Cleaners {

    /** Runs the clean-up of objects that became unreachable before they were closed. */
    public static final Cleaner SHARED = Cleaner.create();

    private Cleaners() {
    }
}
