package io.citus.warp.embedded;

import org.apache.kafka.connect.cli.ConnectDistributed;

/**
 * The main class of a Connect worker in its own JVM ({@link ConnectWorkerProcess}): Kafka's
 * {@link ConnectDistributed#main}, with Jetty's own JVM shutdown hook removed once Connect has registered it.
 *
 * <p>Why: on SIGTERM two shutdown hooks run at once. Connect's stops the REST server ({@code RestServer.stop()}: its
 * handlers, then {@code Server.stop()} and {@code join()}), then the herder (tasks stop, offsets flush, the worker leaves
 * the group). Jetty's ({@code ShutdownThread}, registered because Connect sets {@code Server.setStopAtShutdown(true)})
 * stops the server only if it is still STARTED, but destroys it in any case. When Connect's hook is first, Jetty's finds the
 * server STOPPING, skips the stop and destroys it while Connect's stop is under way; destroying clears the server's beans,
 * so its thread pool is never stopped and Connect's {@code join()} waits for it forever: the herder never stops, and the
 * worker hangs until it is killed (its log: "Unable to destroy ... IllegalStateException: STARTED" from
 * {@code ShutdownThread.run}, then nothing after the HTTP connector stopped). Connect's own hook stops and destroys the
 * server by itself, so Jetty's adds nothing.
 *
 * <p>Only this class of warp is on the worker's class path: it refers to Kafka's and Jetty's classes only.
 */
public final class ConnectWorkerMain {
    private static final long POLL_MILLIS = 50;
    /** Longer than any worker start: the hook is registered when the REST server starts, before the worker joins. */
    private static final long GIVE_UP_MILLIS = 600_000;

    private ConnectWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Thread unhook = new Thread(() -> {
            if (!removeJettyShutdownHook(GIVE_UP_MILLIS)) {
                System.err.println("warp: Jetty's shutdown hook was not removed (never registered, or the JVM is exiting)");
            }
        }, "warp-remove-jetty-shutdown-hook");
        unhook.setDaemon(true);
        unhook.start();
        ConnectDistributed.main(args);
    }

    /** Waits until Jetty's shutdown hook is registered, then removes it; false if it was not within {@code giveUpMillis}. */
    static boolean removeJettyShutdownHook(long giveUpMillis) {
        long deadline = System.currentTimeMillis() + giveUpMillis;
        try {
            Thread hook = jettyShutdownHook();
            // removeShutdownHook is true once the hook was registered (then it is removed); false before.
            while (!Runtime.getRuntime().removeShutdownHook(hook)) {
                if (System.currentTimeMillis() > deadline) {
                    return false;
                }
                Thread.sleep(POLL_MILLIS);
            }
            return true;
        } catch (IllegalStateException e) {
            return false; // the JVM is already shutting down (a worker stopped while it started)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Jetty's {@code ShutdownThread} singleton, by name: Jetty is Kafka's runtime dependency, not an API warp compiles against. */
    static Thread jettyShutdownHook() {
        try {
            return (Thread) Class.forName("org.eclipse.jetty.util.thread.ShutdownThread").getMethod("getInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Jetty's ShutdownThread not found on the class path", e);
        }
    }
}
