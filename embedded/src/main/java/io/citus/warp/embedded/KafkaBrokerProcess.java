package io.citus.warp.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The single-node KRaft broker of {@link KafkaBroker} in its own JVM, started as {@code kafka-server-start.sh}
 * starts it ({@code java -cp <class path> kafka.Kafka server.properties}), so that it can be killed with SIGKILL
 * as a crash does and started again on the same ports and log directory: unflushed log segments are then
 * recovered from what the killed process had written (the page cache survives a process crash).
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);
    private static final long STARTUP_SECONDS = 120;

    private final String classPath;
    private final Path dir;
    private final Path serverProperties;
    private final String bootstrapServers;
    private Process process;
    private Reaper reaper;
    private int starts;

    private KafkaBrokerProcess(String classPath, Path dir, Path serverProperties, String bootstrapServers) {
        this.classPath = classPath;
        this.dir = dir;
        this.serverProperties = serverProperties;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats a new log directory under {@code workDir} and starts the broker from {@code classPath} (which must
     * hold Kafka's server jar, kafka_2.13, and a Log4j 2 binding), waiting until it answers.
     */
    public static KafkaBrokerProcess start(String classPath, Path workDir) {
        try {
            Path dir = Files.createDirectories(workDir.resolve("kafka"));
            Path logDir = Files.createDirectories(dir.resolve("kafka-logs"));
            int brokerPort = Ports.free();
            Map<String, String> props = KafkaBroker.serverProperties(brokerPort, Ports.free(), logDir);
            KafkaBroker.format(logDir);
            StringBuilder text = new StringBuilder("# written by warp for a Kafka broker in its own JVM\n");
            props.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            Path serverProperties = dir.resolve("server.properties");
            Files.writeString(serverProperties, text);
            Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                    "appender.file.type = File", "appender.file.name = file",
                    "appender.file.fileName = " + dir.resolve("server.log").toAbsolutePath().toString().replace("\\", "/"),
                    "appender.file.append = true",
                    "appender.file.layout.type = PatternLayout", "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file", ""));
            KafkaBrokerProcess broker = new KafkaBrokerProcess(classPath, dir, serverProperties, "127.0.0.1:" + brokerPort);
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not format the Kafka log directory", e);
        }
    }

    private synchronized void launch() {
        try {
            Path console = dir.resolve("server-" + (++starts) + ".out");
            process = new ProcessBuilder(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms256M", "-Xmx1G", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri(),
                    "-cp", classPath, "kafka.Kafka", serverProperties.toString()))
                    .redirectErrorStream(true).redirectOutput(console.toFile()).start();
            Process started = process;
            reaper = new Reaper(started, "kafka-broker");
            LOG.info("Kafka broker pid {} starting on {} (log {})", started.pid(), bootstrapServers, dir.resolve("server.log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
            while (true) {
                if (!started.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with " + started.exitValue() + "; see " + console
                            + " and " + dir.resolve("server.log"));
                }
                try {
                    KafkaBroker.awaitReady(bootstrapServers, 10);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker " + bootstrapServers + " did not answer within "
                                + STARTUP_SECONDS + " s; see " + dir.resolve("server.log"), notYet);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public synchronized long pid() {
        return process.pid();
    }

    /**
     * Kills the broker with SIGKILL (no log flushed, no controlled shutdown) and starts it again on the same
     * ports and log directory; returns once it answers again.
     */
    public synchronized void killAndRestart() {
        kill();
        launch();
    }

    private void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Kafka broker pid " + process.pid() + " did not die on SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the Kafka broker", e);
        }
        reaper.forget();
    }

    /** Stops the broker as an operator does (SIGTERM: controlled shutdown). */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    kill();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                return;
            }
        }
        reaper.forget();
    }
}
