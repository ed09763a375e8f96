package io.synapsekit.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Adds a {@link SynapseKitShutdownListener} to every web application that has this jar; the container finds it
 * in the jar's {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}.
 *
 * <p>Public only because containers instantiate it; there is nothing to call.
 */
public final class SynapseKitInitializer implements ServletContainerInitializer {

    /** Public no-argument constructor, for the container. */
    public SynapseKitInitializer() {
    }

    // classes is null: the container passes null to an initializer without @HandlesTypes, as this one is.
    @Override
    public void onStartup(@Nullable Set<Class<?>> classes, ServletContext context) {
        context.addListener(SynapseKitShutdownListener.class);
    }
}
