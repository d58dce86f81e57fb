package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input stops the sink with a message naming the table, column, source position and the fix, with
 * nothing of the failing transaction applied; transient target failures are retried without loss.
 */
@EndToEnd
class SinkFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void schemaDriftFailsTheTaskClearlyAndAppliesNothingOfTheTransaction(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "drift")) {
            m.sourceSql(SinkApplyTest.SCHEMA, "INSERT INTO customers VALUES (1, 'Ada', NULL)");
            m.targetSql(SinkApplyTest.SCHEMA);
            m.deploySource("public.customers,public.orders");
            m.deploySink("public.customers,public.orders");
            TableDigest.awaitEqual(m, WAIT, "customers", "id", "orders", "id");

            // The source gains a column the target lacks; the next transaction touches both tables.
            m.sourceSql("ALTER TABLE orders ADD COLUMN coupon text",
                    "BEGIN",
                    "INSERT INTO customers VALUES (2, 'Grace', 'gh@example.com')",
                    "INSERT INTO orders VALUES (1, 2, 10.00, 'first', 'WELCOME')",
                    "COMMIT");
            String trace = m.awaitTaskFailure(m.sinkConnector());
            String message = trace.lines().filter(l -> l.contains("coupon")).findFirst().orElse(trace);
            assertTrue(message.contains("orders"), "names the table: " + message);
            assertTrue(message.contains("coupon"), "names the column: " + message);
            assertTrue(message.matches("(?s).*LSN [0-9A-F]+/[0-9A-F]+.*"), "names the source position: " + message);
            assertTrue(trace.contains("restart"), "says what to do: " + trace);

            try (Connection dst = m.target(); Statement s = dst.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM customers WHERE id = 2")) {
                rs.next();
                assertEquals(0, rs.getLong(1), "no part of the failing source transaction is applied");
            }

            // The DBA follows the advice: the task resumes at that transaction and converges.
            m.targetSql("ALTER TABLE orders ADD COLUMN coupon text");
            m.restartTask(m.sinkConnector());
            TableDigest.awaitEqual(m, WAIT, "customers", "id", "orders", "id");
        }
    }

    @Test
    void killedTargetConnectionsAreRetriedWithoutLoss(TestEnvironment env) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(2, 200);
        try (Migration m = new Migration(env, "transient")) {
            TpcbMigration.start(m, tpcb, Map.of("retry.backoff.ms", "200"), WAIT);
            String[] tables = TpcbMigration.TABLES;

            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Long> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return tpcb.run(m::openSource, stop::get, 200);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int killed = 0;
            for (int i = 0; i < 5; i++) {
                Thread.sleep(1000);
                killed += terminateSinkSessions(m);
            }
            stop.set(true);
            assertTrue(load.get() > 100, "the load ran");
            assertTrue(killed > 0, "the sink's target sessions were terminated");
            TableDigest.awaitEqual(m, WAIT, tables);
            m.awaitRunning(m.sinkConnector());
        }
    }

    private static int terminateSinkSessions(Migration m) throws SQLException {
        try (Connection dst = m.target(); Statement s = dst.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'citus-warp-sink'"
                        + " AND datname = current_database()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

}
