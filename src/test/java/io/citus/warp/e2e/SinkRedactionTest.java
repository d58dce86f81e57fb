package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A batch that fails on the target names table, constraint, position and fix, and no row value, in REST and in the log. */
@EndToEnd
class SinkRedactionTest {
    private static final String SECRET_EMAIL = "alice.secret@example.com";
    private static final String SECRET_NAME = "Confidential-Name-4711";

    @Test
    void aUniqueViolationLeavesNoRowValueInTheTaskTraceOrTheWorkerLog(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "redact"); LogCapture log = LogCapture.root()) {
            m.sourceSql(SinkApplyTest.SCHEMA, "INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com')");
            // The target has a unique constraint the source lacks, and a row already using the email.
            m.targetSql(SinkApplyTest.SCHEMA, "ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)");
            m.deploySource("public.customers,public.orders");
            m.deploySink("public.customers,public.orders");
            TableDigest.awaitEqual(m, Duration.ofSeconds(120), "customers", "id", "orders", "id");
            // After the snapshot (a first load into a non-empty table is refused by itself): a row of unknown origin.
            m.targetSql("INSERT INTO customers VALUES (100, 'Other', '" + SECRET_EMAIL + "')");
            java.nio.file.Path workerLog = env.workerLog();
            long logStart = workerLog == null ? 0 : java.nio.file.Files.size(workerLog);
            m.sourceSql("BEGIN",
                    "INSERT INTO customers VALUES (2, '" + SECRET_NAME + "', '" + SECRET_EMAIL + "')",
                    "INSERT INTO customers VALUES (3, 'Bob', 'bob@example.com')",
                    "COMMIT");
            String trace = m.awaitTaskFailure(m.sinkConnector());
            assertTrue(trace.contains("customers"), "names the table: " + trace);
            assertTrue(trace.contains("23505"), "names the SQLSTATE: " + trace);
            assertTrue(trace.contains("customers_email_key"), "names the constraint: " + trace);
            assertTrue(trace.matches("(?s).*LSN [0-9A-F]+/[0-9A-F]+.*"), "names the source position: " + trace);
            // The worker in its own JVM writes its log file; in the test JVM the appender has it.
            String logged = workerLog == null ? String.join("\n", log.lines())
                    : new String(java.util.Arrays.copyOfRange(java.nio.file.Files.readAllBytes(workerLog), (int) logStart,
                            (int) java.nio.file.Files.size(workerLog)), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(logged.contains("customers_email_key"), "the failure is logged: " + logged);
            for (String value : List.of(SECRET_EMAIL, SECRET_NAME, "alice.secret", "bob@example.com")) {
                assertFalse(trace.contains(value), "task trace quotes " + value + ":\n" + trace);
                assertFalse(logged.contains(value), "worker log quotes " + value + ":\n" + logged);
            }
        }
    }

    /** Everything logged in this JVM (the Connect worker, and so the sink, runs here), stack traces included. */
    static final class LogCapture extends AbstractAppender implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private LogCapture() {
            super("capture-all", null, null, true, Property.EMPTY_ARRAY);
        }

        static LogCapture root() {
            LogCapture capture = new LogCapture();
            capture.start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            LoggerConfig root = context.getConfiguration().getRootLogger();
            root.addAppender(capture, null, null);
            // The sink logs at INFO and WARN under io.citus.warp; make sure those reach the capture too.
            context.getConfiguration().getLoggerConfig("io.citus.warp").addAppender(capture, null, null);
            context.updateLoggers();
            return capture;
        }

        @Override
        public void append(LogEvent event) {
            StringWriter s = new StringWriter();
            s.append(event.getLoggerName()).append(": ").append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
                s.append('\n');
                event.getThrown().printStackTrace(new PrintWriter(s));
            }
            lines.add(s.toString());
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().removeAppender(getName());
            context.getConfiguration().getLoggerConfig("io.citus.warp").removeAppender(getName());
            context.updateLoggers();
            stop();
        }
    }
}
