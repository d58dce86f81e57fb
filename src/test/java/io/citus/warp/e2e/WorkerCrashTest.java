package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Connect worker's JVM killed with SIGKILL mid-stream, as a crash or an OOM kill does: no task stopped, no
 * source offset flushed, so Debezium re-sends what it had not flushed. A new worker in the same Connect group
 * takes over; every source transaction must be on the target exactly once.
 */
@EndToEnd
class WorkerCrashTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int TRANSACTIONS = 400;

    @Test
    void aKilledWorkerNeitherLosesNorRepeatsATransaction(TestEnvironment env) throws Exception {
        Assumptions.assumeTrue(env.workerInSeparateJvm(), "only a worker in its own JVM can be killed");
        try (Migration m = new Migration(env, "crash")) {
            String schema = "CREATE TABLE events (id int PRIMARY KEY, v text NOT NULL)";
            m.sourceSql(schema);
            m.targetSql(schema);
            m.deploySource("public.events");
            m.deploySink("public.events");
            // Rows written while Debezium still snapshots arrive as snapshot rows, not transactions: count from the
            // moment a streamed transaction has been applied (marker rows with negative ids until then).
            long base = streamedTransactionsOnceStreaming(m);

            AtomicInteger committed = new AtomicInteger();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> writer = pool.submit(() -> {
                    try (Connection c = m.source(); PreparedStatement insert = c.prepareStatement("INSERT INTO events VALUES (?, ?)")) {
                        for (int i = 1; i <= TRANSACTIONS; i++) {
                            insert.setInt(1, i);
                            insert.setString(2, "event " + i);
                            insert.executeUpdate();
                            committed.incrementAndGet();
                            Thread.sleep(15);
                        }
                    }
                    return null;
                });
                while (committed.get() < TRANSACTIONS / 3) {
                    Thread.sleep(50);
                }
                env.killAndRestartWorker();
                m.awaitRunning(m.sourceConnector());
                m.awaitRunning(m.sinkConnector());
                writer.get();
            } finally {
                pool.shutdownNow();
            }
            TableDigest.awaitEqual(m, WAIT, "events", "id");
            TableDigest.assertEqual(m, "events", "id");
            try (Connection t = m.target(); Statement s = t.createStatement();
                 ResultSet rs = s.executeQuery("SELECT transactions FROM warp.sink_progress")) {
                assertTrue(rs.next());
                // Never more than once (the table's key would hide a repeat; the count does not). Fewer when Debezium,
                // killed before it recorded its snapshot as done, snapshots again: the rows then arrive in the snapshot.
                assertTrue(rs.getLong(1) <= base + TRANSACTIONS, "no source transaction applied twice: " + rs.getLong(1)
                        + " applied, " + (base + TRANSACTIONS) + " at most");
            }
        }
    }

    private static long streamedTransactionsOnceStreaming(Migration m) throws Exception {
        for (int marker = 1; ; marker++) {
            m.sourceSql("INSERT INTO events VALUES (" + -marker + ", 'marker')");
            try {
                Eventually.await(Duration.ofSeconds(5), "a streamed transaction applied", () -> transactions(m) > 0);
                TableDigest.awaitEqual(m, WAIT, "events", "id");
                return transactions(m);
            } catch (AssertionError notYet) {
                if (marker == 30) {
                    throw notYet;
                }
            }
        }
    }

    private static long transactions(Migration m) throws java.sql.SQLException {
        try (Connection t = m.target(); Statement s = t.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(max(transactions), 0) FROM warp.sink_progress")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return 0; // the progress table is created with the sink's first write
        }
    }
}
