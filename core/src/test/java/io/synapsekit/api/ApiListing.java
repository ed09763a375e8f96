package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Builds a text listing of a module's public API by reflection, so that every change to the surface shows up in
 * review as a diff of a checked-in file (as OkHttp does with its {@code api/*.api} files).
 *
 * <p>Nullness is part of the surface: every type a member uses is shown with its JSpecify annotations
 * ({@code @Nullable java.lang.String}), so making a parameter or result nullable, or no longer nullable, changes
 * the listing; and {@link #assertUnchanged} fails for a package of the module that is not {@code @NullMarked}.
 */
public final class ApiListing {

    private ApiListing() {
    }

    /**
     * Compares the public API of {@code packages}, read from the module's {@code target/classes}, with its
     * checked-in listing {@code api/<artifact>.api}, failing on any difference; fails first when a package of
     * {@code target/classes}, listed or not (internal ones included), lacks {@code @NullMarked}. With
     * {@code -Dsynapsekit.updateApi=true} it first rewrites the listing, for a change that is meant: review its diff.
     * Run from the module's directory, as Surefire does.
     */
    public static void assertUnchanged(String artifact, List<String> packages) {
        Path classes = Path.of("target/classes");
        assertThat(packages).as("packages listed for %s", artifact).isNotEmpty();
        assertThat(withoutNullMarked(classes, packages)).as("packages of %s whose package-info.java lacks"
                + " @org.jspecify.annotations.NullMarked (every package of main code states its nullness)", artifact)
                .isEmpty();
        String actual = of(classes, packages);
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
                    lines.add("  " + describe(f));
                }
            }
            for (Constructor<?> c : sorted(type.getDeclaredConstructors(), Constructor::toGenericString)) {
                if (isApi(c.getModifiers()) && !c.isSynthetic()) {
                    lines.add("  " + describe(c));
                }
            }
            for (Method m : sorted(type.getDeclaredMethods(), Method::toGenericString)) {
                if (isApi(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    lines.add("  " + describe(m));
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /**
     * Returns the packages of {@code classesDir} (those holding a class file) whose {@code package-info} is missing
     * or not annotated {@code @NullMarked}, checking {@code listed} even when it holds no class. JSpecify's
     * annotations are kept at run time, so the compiled {@code package-info} class tells.
     */
    public static List<String> withoutNullMarked(Path classesDir, List<String> listed) {
        List<String> packages;
        try (Stream<Path> files = Files.walk(classesDir)) {
            packages = files.filter(f -> f.getFileName().toString().endsWith(".class")
                            && !f.getFileName().toString().equals("module-info.class"))
                    .map(f -> classesDir.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                    .collect(Collectors.toCollection(java.util.TreeSet::new)).stream().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Stream.concat(packages.stream(), listed.stream()).distinct().sorted()
                .filter(pkg -> !isNullMarked(pkg)).toList();
    }

    private static boolean isNullMarked(String pkg) {
        try {
            return Class.forName(pkg + ".package-info", false, ApiListing.class.getClassLoader())
                    .isAnnotationPresent(NullMarked.class);
        } catch (ClassNotFoundException noPackageInfo) {
            return false;
        }
    }

    // ---- one member per line, its types with their nullness ----
    //
    // Each line is the member's toGenericString() with every type it uses written again from its AnnotatedType, so
    // that JSpecify's annotations show. The rest of the line (modifiers, type parameters) is toGenericString()'s own,
    // and the line without annotations must equal toGenericString(): a shape this code does not know fails loudly
    // instead of listing something else.

    private static String describe(Field f) {
        return withNullness(f.toGenericString(), nullness -> type(f.getAnnotatedType(), nullness) + " "
                + f.getDeclaringClass().getTypeName() + "." + f.getName(), f);
    }

    private static String describe(Constructor<?> c) {
        return withNullness(c.toGenericString(),
                nullness -> c.getDeclaringClass().getTypeName() + parametersAndThrows(c, nullness), c);
    }

    private static String describe(Method m) {
        return withNullness(m.toGenericString(), nullness -> type(m.getAnnotatedReturnType(), nullness) + " "
                + m.getDeclaringClass().getTypeName() + "." + m.getName() + parametersAndThrows(m, nullness), m);
    }

    /**
     * Returns {@code plain} with its ending (the part {@code tail} writes: types, name, parameters) written with
     * nullness. {@code plain} is toGenericString(), whose start (modifiers, type parameters) is kept as it is.
     */
    private static String withNullness(String plain, java.util.function.Function<Boolean, String> tail,
            Object member) {
        String without = tail.apply(false);
        if (!plain.endsWith(without)) {
            throw new IllegalStateException("cannot list the nullness of " + member + ": rebuilt as\n  " + without
                    + "\nbut toGenericString() is\n  " + plain);
        }
        return plain.substring(0, plain.length() - without.length()) + tail.apply(true);
    }

    private static String parametersAndThrows(Executable e, boolean nullness) {
        AnnotatedType[] parameters = e.getAnnotatedParameterTypes();
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < parameters.length; i++) {
            String p = type(parameters[i], nullness);
            if (e.isVarArgs() && i == parameters.length - 1) {
                p = p.substring(0, p.length() - "[]".length()) + "...";
            }
            shown.add(p);
        }
        String exceptions = Arrays.stream(e.getGenericExceptionTypes()).map(Type::getTypeName)
                .collect(Collectors.joining(","));
        return "(" + String.join(",", shown) + ")" + (exceptions.isEmpty() ? "" : " throws " + exceptions);
    }

    /**
     * Writes {@code t} as {@link Type#getTypeName()} does, with its JSpecify annotations in front of each type
     * they annotate ({@code java.util.Map<java.lang.String, @Nullable java.lang.Object>}) when {@code nullness};
     * for an array, in front of its brackets ({@code float @Nullable []}), as Java writes them.
     */
    private static String type(AnnotatedType t, boolean nullness) {
        String marks = nullness ? nullness(t) : "";
        if (t instanceof AnnotatedArrayType a) {
            return type(a.getAnnotatedGenericComponentType(), nullness) + (marks.isEmpty() ? "" : " " + marks) + "[]";
        }
        if (t instanceof AnnotatedParameterizedType p) {
            String full = p.getType().getTypeName();
            String raw = full.substring(0, argumentsStart(full));
            return marks + raw + Arrays.stream(p.getAnnotatedActualTypeArguments()).map(a -> type(a, nullness))
                    .collect(Collectors.joining(", ", "<", ">"));
        }
        if (t instanceof AnnotatedWildcardType w) {
            AnnotatedType[] lower = w.getAnnotatedLowerBounds();
            AnnotatedType[] upper = w.getAnnotatedUpperBounds();
            if (lower.length > 0) {
                return marks + "? super " + bounds(lower, nullness);
            }
            boolean plainObject = upper.length > 0 && upper[0].getType() == Object.class
                    && (!nullness || nullness(upper[0]).isEmpty());
            if (upper.length == 0 || plainObject) {
                return marks + "?";
            }
            return marks + "? extends " + bounds(upper, nullness);
        }
        return marks + t.getType().getTypeName();
    }

    private static String bounds(AnnotatedType[] bounds, boolean nullness) {
        return Arrays.stream(bounds).map(b -> type(b, nullness)).collect(Collectors.joining(" & "));
    }

    /** Returns the index of the {@code <} that opens the type arguments at the end of {@code name}. */
    private static int argumentsStart(String name) {
        int depth = 0;
        for (int i = name.length() - 1; i >= 0; i--) {
            char c = name.charAt(i);
            if (c == '>') {
                depth++;
            } else if (c == '<' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no type arguments in " + name);
    }

    /** Returns {@code "@Nullable "} and the like for the JSpecify annotations on {@code t}; {@code ""} for none. */
    private static String nullness(AnnotatedType t) {
        StringBuilder s = new StringBuilder();
        for (Annotation a : t.getDeclaredAnnotations()) {
            if (a.annotationType().getPackageName().equals("org.jspecify.annotations")) {
                s.append('@').append(a.annotationType().getSimpleName()).append(' ');
            }
        }
        return s.toString();
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
