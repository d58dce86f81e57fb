package io.citus.warp.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the shared {@link TestEnvironment}, started on first use and closed by JUnit when the
 * whole run ends (the root store closes it).
 */
public final class WarpEnvironmentExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestEnvironment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return environment(context);
    }

    public static TestEnvironment environment(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(TestEnvironment.class, k -> new ClosingEnvironment(TestEnvironment.start()),
                        ClosingEnvironment.class).environment;
    }

    private record ClosingEnvironment(TestEnvironment environment) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            environment.close();
        }
    }
}
