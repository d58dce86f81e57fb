package io.citus.warp.embedded;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's launcher removes the shutdown hook Jetty registers for a server started with {@code setStopAtShutdown(true)}
 * (as Connect's REST server is), so that on SIGTERM only Connect's own hook stops it (ConnectWorkerMain says why).
 */
@Tag("unit")
class ConnectWorkerMainTest {

    @Test
    void jettysShutdownHookOfAStartedServerIsRemoved() throws Exception {
        // Jetty is on the class path at run time only (Kafka's runtime dependency), as on the worker's.
        Class<?> serverClass = Class.forName("org.eclipse.jetty.server.Server");
        Object server = serverClass.getConstructor(int.class).newInstance(0);
        serverClass.getMethod("setStopAtShutdown", boolean.class).invoke(server, true);
        serverClass.getMethod("start").invoke(server);
        try {
            assertTrue(ConnectWorkerMain.removeJettyShutdownHook(10_000), "the hook was registered by the start, and removed");
            assertFalse(Runtime.getRuntime().removeShutdownHook(ConnectWorkerMain.jettyShutdownHook()), "the hook is no longer registered");
        } finally {
            serverClass.getMethod("stop").invoke(server);
        }
    }
}
