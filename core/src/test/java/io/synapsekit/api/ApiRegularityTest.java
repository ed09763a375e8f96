package io.synapsekit.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's public API follows the house conventions ({@code shared/STYLE.md}) wherever a rule can be read from the
 * compiled classes: one name per result, one name for the system prompt, no {@code get} prefixes, {@link Duration}
 * for time.
 */
class ApiRegularityTest {

    private static List<Method> publicMethods() {
        List<Method> methods = new ArrayList<>();
        for (Class<?> type : ApiListing.publicTypes(Path.of("target/classes"), CoreApiTest.EXPORTED)) {
            for (Method m : type.getDeclaredMethods()) {
                if ((Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) && !m.isSynthetic()
                        && !m.isBridge()) {
                    methods.add(m);
                }
            }
        }
        return methods;
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + Arrays.toString(m.getParameterTypes());
    }

    @Test
    void anLLMOffersEachResultUnderOneName() {
        // Two methods taking the same arguments where one's result is a kind of the other's are two names for one
        // thing (as iterator(…) was for open(…)).
        List<String> twins = new ArrayList<>();
        Method[] methods = LLM.class.getMethods();
        for (Method a : methods) {
            for (Method b : methods) {
                if (!a.getName().equals(b.getName()) && Arrays.equals(a.getParameterTypes(), b.getParameterTypes())
                        && isKindOf(a.getGenericReturnType(), b.getGenericReturnType())) {
                    twins.add(a.getName() + " / " + b.getName() + Arrays.toString(a.getParameterTypes()));
                }
            }
        }
        assertThat(twins).isEmpty();
    }

    /** Returns whether a value of type {@code sub} is a {@code sup}, type arguments included. */
    private static boolean isKindOf(Type sub, Type sup) {
        if (sub.equals(sup)) {
            return true;
        }
        if (sub instanceof TypeVariable<?> v) {
            return isKindOf(v.getBounds()[0], sup); // a generic result is a kind of what its bound is
        }
        if (sup instanceof TypeVariable<?>) {
            return false;
        }
        Class<?> raw = sub instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) sub;
        if (sup instanceof Class<?> c) {
            return c.isAssignableFrom(raw);
        }
        Stream<Type> supertypes = Stream.concat(Stream.ofNullable(raw.getGenericSuperclass()),
                Arrays.stream(raw.getGenericInterfaces()));
        return supertypes.anyMatch(t -> isKindOf(t, sup));
    }

    @Test
    void theSystemPromptIsCalledSystem() {
        assertThat(publicMethods()).extracting(ApiRegularityTest::describe)
                .filteredOn(name -> name.toLowerCase(Locale.ROOT).contains("systemprompt")).isEmpty();
    }

    @Test
    void accessorsHaveNoGetPrefix() {
        assertThat(publicMethods()).filteredOn(m -> m.getName().matches("get[A-Z].*"))
                .extracting(ApiRegularityTest::describe).isEmpty();
    }

    @Test
    void timeIsADuration() {
        // A method named for a time (a timeout, a delay, a wait) takes or returns a Duration, never a number of
        // some unit the caller must guess.
        List<String> numeric = publicMethods().stream()
                .filter(m -> m.getName().matches("(?i).*(time|delay|millis|seconds|nanos|retryafter|await).*"))
                .filter(m -> Stream.concat(Stream.of(m.getReturnType()), Arrays.stream(m.getParameterTypes()))
                        .anyMatch(t -> t == long.class || t == int.class || t == Long.class || t == Integer.class))
                .map(ApiRegularityTest::describe).toList();
        assertThat(numeric).isEmpty();
        assertThat(publicMethods()).as("the rule has something to check").anyMatch(
                m -> m.getName().equals("connectTimeout") && m.getParameterCount() == 1
                        && m.getParameterTypes()[0] == Duration.class);
    }
}
