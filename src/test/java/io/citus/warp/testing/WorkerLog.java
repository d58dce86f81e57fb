package io.citus.warp.testing;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one logger of the Connect worker (a connector's class) writes from now on. With the worker in its own
 * JVM the lines are read from its log file, from where it ended when this was created; with the worker in the
 * test JVM an appender collects them.
 */
public final class WorkerLog implements AutoCloseable {
    private final String loggerName;
    private final Path file;
    private final long start;
    private final Capture capture;

    private WorkerLog(String loggerName, Path file, long start, Capture capture) {
        this.loggerName = loggerName;
        this.file = file;
        this.start = start;
        this.capture = capture;
    }

    public static WorkerLog of(TestEnvironment env, String loggerName) {
        Path file = env.workerLog();
        if (file != null) {
            return new WorkerLog(loggerName, file, file.toFile().length(), null);
        }
        return new WorkerLog(loggerName, null, 0, Capture.of(loggerName));
    }

    /** The messages (whole log lines from a file) the logger wrote since. */
    public List<String> messages() {
        if (capture != null) {
            return List.copyOf(capture.messages);
        }
        // The worker's layout ends each line with "(logger:line)" (ConnectWorkerProcess's Log4j configuration).
        String marker = "(" + loggerName + ":";
        List<String> lines = new ArrayList<>();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(start);
            byte[] rest = new byte[(int) (in.length() - start)];
            in.readFully(rest);
            for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(marker)) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the worker log " + file, e);
        }
        return lines;
    }

    @Override
    public void close() {
        if (capture != null) {
            capture.close();
        }
    }

    private static final class Capture extends AbstractAppender implements AutoCloseable {
        private final List<String> messages = new CopyOnWriteArrayList<>();
        private final String loggerName;

        private Capture(String loggerName) {
            super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
            this.loggerName = loggerName;
        }

        static Capture of(String loggerName) {
            Capture capture = new Capture(loggerName);
            capture.start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            LoggerConfig config = context.getConfiguration().getLoggerConfig(loggerName);
            if (!config.getName().equals(loggerName)) {
                LoggerConfig specific = new LoggerConfig(loggerName, null, true);
                context.getConfiguration().addLogger(loggerName, specific);
                config = specific;
            }
            config.addAppender(capture, null, null);
            context.updateLoggers();
            return capture;
        }

        @Override
        public void append(LogEvent event) {
            messages.add(event.getMessage().getFormattedMessage());
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getLoggerConfig(loggerName).removeAppender(getName());
            context.updateLoggers();
            stop();
        }
    }
}
