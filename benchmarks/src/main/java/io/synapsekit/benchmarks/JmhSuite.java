package io.synapsekit.benchmarks;

/** Placeholder, replaced below. */
public final class JmhSuite {
    private JmhSuite() {
    }

    public static void main(String[] args) {
    }
}
