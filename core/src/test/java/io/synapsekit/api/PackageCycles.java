package io.synapsekit.api;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the packages of a module that refer to each other in a circle, read from the compiled classes.
 *
 * <p>A class's constant pool names every class it refers to: in its class entries and in the descriptors and
 * generic signatures of its fields and methods, whether the source imported the class or spelled its whole name.
 * Javadoc leaves nothing there, so a {@code {@link}} does not count. String constants are skipped: a class name in
 * a string is not a reference.
 */
public final class PackageCycles {

    private static final Pattern CLASS_NAME = Pattern.compile("io/synapsekit/(?:[a-z0-9_]+/)*[A-Za-z_$][\\w$]*");

    private PackageCycles() {
    }

    /**
     * Returns, for each package under {@code classesDir}, the other packages of ours its classes refer to, each
     * with one class that refers to it (to name in a failure).
     */
    public static Map<String, Map<String, String>> references(Path classesDir) {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classesDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classesDir.relativize(file).toString().replace('\\', '/');
                if (name.equals("module-info.class")) {
                    continue;
                }
                String from = packageOf(name);
                Map<String, String> targets = graph.computeIfAbsent(from, p -> new TreeMap<>());
                try (InputStream in = Files.newInputStream(file)) {
                    for (String referred : referredClasses(in)) {
                        String to = packageOf(referred);
                        if (!to.equals(from)) {
                            targets.putIfAbsent(to, name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /**
     * Returns the groups of two or more packages that refer to each other, directly or through one another (the
     * strongly connected components of the graph); empty when the packages form no circle.
     */
    public static List<Set<String>> cycles(Map<String, ? extends Map<String, ?>> graph) {
        // Tarjan's algorithm.
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, graph, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, ? extends Map<String, ?>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        Map<String, ?> targets = graph.get(v);
        for (String w : targets == null ? Set.<String>of() : targets.keySet()) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    /** Returns the internal names of our classes that a class file's constant pool refers to. */
    static Set<String> referredClasses(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        BitSet strings = new BitSet(count); // UTF-8 entries that are the text of string constants
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 16, 19, 20 -> in.readUnsignedShort(); // class, method type, module, package
                case 8 -> strings.set(in.readUnsignedShort()); // string
                case 15 -> in.skipNBytes(3); // method handle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> { // long and double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> names = new TreeSet<>();
        for (int i = 1; i < count; i++) {
            if (utf8[i] != null && !strings.get(i)) {
                Matcher m = CLASS_NAME.matcher(utf8[i]);
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }
}
