package io.synapsekit.benchmarks;

import io.synapsekit.benchmarks.load.LoadHarness;
import java.util.Arrays;

/**
 * {@code java -jar benchmarks/target/benchmarks.jar [all|jmh|load] [options]}: {@code all} (the default) runs the
 * JMH suite ({@link JmhSuite}) and then the load harness ({@link LoadHarness}), each printing its ratio table;
 * {@code jmh} and {@code load} run one of them, passing the remaining options on.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (what) {
            case "all" -> {
                JmhSuite.main(new String[0]);
                LoadHarness.main(rest);
            }
            case "jmh" -> JmhSuite.main(rest);
            case "load" -> LoadHarness.main(rest);
            default -> {
                System.err.println("usage: java -jar benchmarks.jar [all|jmh|load] [options]");
                System.exit(2);
            }
        }
    }
}
