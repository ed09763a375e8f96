package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds a text listing of a module's public API by reflection, so that every change to the surface shows up in
 * review as a diff of a checked-in file (as OkHttp does with its {@code api/*.api} files).
 */
public final class ApiListing {

    private ApiListing() {
    }

    /**
     * Compares the public API of {@code packages}, read from the module's {@code target/classes}, with its
     * checked-in listing {@code api/<artifact>.api}, failing on any difference. With
     * {@code -Dsynapsekit.updateApi=true} it first rewrites the listing, for a change that is meant: review its diff.
     * Run from the module's directory, as Surefire does.
     */
    public static void assertUnchanged(String artifact, List<String> packages) {
        String actual = of(Path.of("target/classes"), packages);
        Path file = Path.of("api", artifact + ".api");
        try {
            if (Boolean.getBoolean("synapsekit.updateApi")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            }
            assertThat(actual).as("public API of %s; after an intended change regenerate %s with"
                    + " -Dsynapsekit.updateApi=true and review the diff", artifact, file)
                    .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the listing of every public type in {@code packages}, read from the compiled classes. */
    public static String of(Path classesDir, List<String> packages) {
        List<String> lines = new ArrayList<>();
        for (Class<?> type : publicTypes(classesDir, packages)) {
            lines.add(describe(type));
            for (Field f : sorted(type.getDeclaredFields(), Field::toGenericString)) {
                if (isApi(f.getModifiers()) && !f.isSynthetic()) {
                    lines.add("  " + f.toGenericString());
                }
            }
            for (Constructor<?> c : sorted(type.getDeclaredConstructors(), Constructor::toGenericString)) {
                if (isApi(c.getModifiers()) && !c.isSynthetic()) {
                    lines.add("  " + c.toGenericString());
                }
            }
            for (Method m : sorted(type.getDeclaredMethods(), Method::toGenericString)) {
                if (isApi(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    lines.add("  " + m.toGenericString());
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /** Returns the public types users can reach in {@code packages}, in the listing's order. */
    public static List<Class<?>> publicTypes(Path classesDir, List<String> packages) {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : packages.stream().sorted().toList()) {
            Path dir = classesDir.resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()).replace('$', '.'))
                        .sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String name : names) {
                Class<?> type = load(pkg, name);
                if (type != null && Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass()
                        && isReachable(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    private static boolean isReachable(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> load(String pkg, String dotted) {
        // Nested names were written with '.', so find the binary name by replacing from the right.
        String binary = dotted;
        while (true) {
            try {
                return Class.forName(binary, false, ApiListing.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                int i = binary.lastIndexOf('.');
                if (i <= pkg.length()) {
                    return null;
                }
                binary = binary.substring(0, i) + "$" + binary.substring(i + 1);
            }
        }
    }

    private static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static <T> List<T> sorted(T[] members, java.util.function.Function<T, String> key) {
        return Arrays.stream(members).sorted(java.util.Comparator.comparing(key)).toList();
    }

    private static String describe(Class<?> type) {
        StringBuilder s = new StringBuilder();
        int mods = type.getModifiers() & ~Modifier.INTERFACE & ~Modifier.ABSTRACT;
        if (type.isInterface()) {
            s.append(Modifier.toString(mods & ~Modifier.STATIC)).append(type.isAnnotation() ? " @interface " : " interface ");
        } else if (type.isEnum()) {
            s.append("public enum ");
        } else if (type.isRecord()) {
            s.append("public record ");
        } else {
            s.append(Modifier.toString(type.getModifiers() & ~Modifier.STATIC)).append(" class ");
        }
        s.append(type.getName().replace('$', '.'));
        if (type.isSealed()) {
            s.append(" sealed");
        }
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            s.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        if (type.getGenericInterfaces().length > 0) {
            s.append(type.isInterface() ? " extends " : " implements ");
            s.append(String.join(", ", Arrays.stream(type.getGenericInterfaces()).map(t -> t.getTypeName()).toList()));
        }
        return s.toString();
    }
}
