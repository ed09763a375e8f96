package io.synapsekit.internal.leak;

/**
 * Run by {@link LeakWarningTest} in a JVM of its own whose class path holds no SLF4J provider, as in jshell or a
 * servlet container without a binding: warns twice, as two abandoned streams would.
 */
final class LeakWarningMain {

    private LeakWarningMain() {
    }

    public static void main(String[] args) {
        LeakWarning warning = new LeakWarning(LeakWarningMain.class);
        warning.warnOnce("test: a stream was abandoned (first)");
        warning.warnOnce("test: a stream was abandoned (second)");
    }
}
