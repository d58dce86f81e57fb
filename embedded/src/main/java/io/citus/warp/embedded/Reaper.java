package io.citus.warp.embedded;

/**
 * Kills a child process (SIGKILL) when this JVM exits — normally, on an exception or on SIGTERM — so that a test
 * or CLI JVM never leaves a server behind; {@link #forget()} once the process has been stopped on purpose.
 */
final class Reaper {
    private final Thread hook;

    Reaper(Process process, String name) {
        hook = new Thread(process::destroyForcibly, name + "-reaper-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void forget() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
