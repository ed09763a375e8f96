package io.synapsekit.internal.leak;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * The one-time warning that a resource (a stream, a bridge) was abandoned and released by the garbage collector,
 * sent where someone will read it.
 *
 * <p>The warning goes through SLF4J. Where SLF4J has no provider (jshell, many servlet apps) it falls back to a
 * no-operation logger and the warning would vanish, so there it goes to {@link System.Logger} instead, which the
 * JDK writes to standard error by default. A deliberately bound no-operation provider ({@code slf4j-nop}) is
 * respected. Later warnings of the same kind are logged at debug level only. Nothing is ever printed to standard
 * output.
 *
 * <p>Thread-safe.
 */
public final class LeakWarning {

    /** The provider class of {@code slf4j-nop}: present only when someone chose to drop every message. */
    private static final String CHOSEN_NOP_PROVIDER = "org.slf4j.nop.NOPServiceProvider";

    private final Class<?> owner;
    private final Logger log;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Creates the warning of {@code owner}, logged under its name. */
    public LeakWarning(Class<?> owner) {
        this.owner = owner;
        this.log = LoggerFactory.getLogger(owner);
    }

    /**
     * Logs {@code message} as a warning the first time, at debug level afterwards. Returns whether this was the
     * first time.
     */
    public boolean warnOnce(String message) {
        if (!warned.compareAndSet(false, true)) {
            log.debug(message);
            return false;
        }
        if (slf4jDropsEverything(LoggerFactory.getILoggerFactory())) {
            System.getLogger(owner.getName()).log(System.Logger.Level.WARNING, message);
        } else {
            log.warn(message);
        }
        return true;
    }

    /**
     * Whether SLF4J fell back to its no-operation logger because no provider was found. SLF4J 2 names no public
     * way to ask; its fallback is a {@link NOPLoggerFactory}, which {@code slf4j-nop} also uses, so that one is
     * told apart by its provider class being present.
     */
    static boolean slf4jDropsEverything(ILoggerFactory factory) {
        if (!(factory instanceof NOPLoggerFactory)) {
            return false;
        }
        try {
            Class.forName(CHOSEN_NOP_PROVIDER, false, LoggerFactory.class.getClassLoader());
            return false;
        } catch (ClassNotFoundException | LinkageError absent) {
            return true;
        }
    }
}
