package io.citus.warp.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The warp command as a real child process: a JVM of its own running {@link Warp#main} on this build's class path, so that
 * a test can kill it with SIGKILL ({@code kill -9}) at a chosen step — its database sessions and sockets end as they do
 * when an operator's terminal or machine dies, nothing runs a finally block.
 */
final class WarpProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private WarpProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "warp-child-output");
        reader.setDaemon(true);
        reader.start();
    }

    static WarpProcess start(Path logFile, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dwarp.log.file=" + logFile, "-Dwarp.plugin.path=" + System.getProperty("warp.plugin.path", "target/plugins"),
                "-Dwarp.kafka.libs=" + System.getProperty("warp.kafka.libs", "../kafka-libs/target/kafka-libs"),
                // Surefire sets java.class.path to the test class path: this build's classes and every dependency.
                "-cp", System.getProperty("java.class.path"), Warp.class.getName()));
        command.addAll(List.of(args));
        try {
            return new WarpProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a line of its output (stdout and stderr) matches; fails if it exits or the time passes first. */
    String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (matches.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("warp child " + (process.isAlive() ? "did not print the line in time" : "exited with "
                            + process.exitValue()) + "; its output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.min(left, 500));
            }
        }
    }

    /** SIGKILL, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("warp child did not die after SIGKILL");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
