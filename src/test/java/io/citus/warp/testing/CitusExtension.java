package io.citus.warp.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Skips Citus tests (a JUnit assumption, naming what is missing) where no Citus is available; otherwise
 * starts one {@link CitusCluster} for the whole test run, stopped when the run ends.
 */
public final class CitusExtension implements BeforeAllCallback, ParameterResolver {

    @Override
    public void beforeAll(ExtensionContext context) {
        CitusCluster.Availability availability = availability(context);
        Assumptions.assumeTrue(availability.available(), () -> "Citus tests skipped: " + availability.missing());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CitusCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        CitusCluster.Availability availability = availability(context);
        return store(context).getOrComputeIfAbsent(CitusCluster.class,
                k -> new Closing(CitusCluster.start(availability)), Closing.class).cluster;
    }

    private static CitusCluster.Availability availability(ExtensionContext context) {
        return store(context).getOrComputeIfAbsent(CitusCluster.Availability.class, k -> CitusCluster.detect(),
                CitusCluster.Availability.class);
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(CitusExtension.class));
    }

    private record Closing(CitusCluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
