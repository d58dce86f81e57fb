package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures the snapshot load of a pgbench_accounts-like table (default 1M rows): through the whole
 * pipeline (Debezium snapshot, Kafka, sink COPY), the sink alone (a second sink re-reading the topic
 * already in Kafka), and a plain {@code COPY TO STDOUT | COPY FROM STDIN} between the same databases.
 * Numbers go to the log; the test asserts only that each copy is complete and equal. Runs only with
 * {@code -Dwarp.bench.rows=<n>} (it takes minutes).
 */
@EndToEnd
@Tag("bench")
class SnapshotLoadRateTest {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoadRateTest.class);
    private static final String DDL = "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84))";

    @Test
    void snapshotLoadRate(TestEnvironment env) throws Exception {
        String rowsProperty = System.getProperty("warp.bench.rows");
        Assumptions.assumeTrue(rowsProperty != null, "benchmark: run with -Dwarp.bench.rows=1000000");
        int rows = Integer.parseInt(rowsProperty);
        Duration wait = Duration.ofSeconds(Math.max(300, rows / 1000));
        try (Migration m = new Migration(env, "rate")) {
            m.sourceSql(DDL, "INSERT INTO pgbench_accounts SELECT g, 1 + (g - 1) / 100000, 0, '' FROM generate_series(1, " + rows + ") g",
                    "VACUUM ANALYZE pgbench_accounts");
            m.targetSql(DDL);

            // 1. Plain COPY between the two databases, as the yardstick.
            long t0 = System.nanoTime();
            long copied = pipeCopy(m);
            double copySeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(rows, copied);
            m.targetSql("TRUNCATE pgbench_accounts");

            // 2. The whole pipeline: from deploying the source to the last row committed on the target.
            long t1 = System.nanoTime();
            m.deploySource("public.pgbench_accounts");
            m.deploySink("public.pgbench_accounts");
            Eventually.await(wait, "snapshot complete on the target", () -> completed(m, m.sinkConnector()));
            double pipelineSeconds = (System.nanoTime() - t1) / 1e9;
            double sinkWindow = loadWindowSeconds(m, m.sinkConnector());
            TableDigest.assertEqual(m, "pgbench_accounts", "aid");

            // 3. The sink alone: the snapshot is in Kafka now; a second sink (own progress stream) reads it from the start.
            m.connect().delete(m.sinkConnector());
            m.targetSql("TRUNCATE pgbench_accounts");
            String second = m.sinkConnector() + "-again";
            long t2 = System.nanoTime();
            m.connect().putConnectorConfig(second, sinkConfig(m));
            Eventually.await(wait, "second load complete", () -> completed(m, second));
            double sinkOnlySeconds = (System.nanoTime() - t2) / 1e9;
            double sinkOnlyWindow = loadWindowSeconds(m, second);
            m.connect().delete(second);

            LOG.info("SNAPSHOT RATE {} rows: plain COPY pipe {} s ({} rows/s); pipeline {} s ({} rows/s), sink load window {} s "
                            + "({} rows/s); sink alone from Kafka {} s incl. start ({} rows/s), load window {} s ({} rows/s)",
                    rows, fmt(copySeconds), rate(rows, copySeconds), fmt(pipelineSeconds), rate(rows, pipelineSeconds),
                    fmt(sinkWindow), rate(rows, sinkWindow), fmt(sinkOnlySeconds), rate(rows, sinkOnlySeconds),
                    fmt(sinkOnlyWindow), rate(rows, sinkOnlyWindow));
        }
    }

    private static Map<String, String> sinkConfig(Migration m) {
        Map<String, String> config = new java.util.HashMap<>(io.citus.warp.connect.ConnectorTemplates.render(
                io.citus.warp.connect.ConnectorTemplates.SINK_CITUS, m.templateValues("public.pgbench_accounts")));
        config.putAll(io.citus.warp.connect.ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
        return config;
    }

    /** COPY TO STDOUT on the source piped into COPY FROM STDIN on the target, text format. */
    private static long pipeCopy(Migration m) throws Exception {
        try (Connection src = m.source(); Connection dst = m.target()) {
            PipedInputStream in = new PipedInputStream(1 << 20);
            PipedOutputStream out = new PipedOutputStream(in);
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                try (PipedOutputStream o = out) {
                    return src.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY pgbench_accounts TO STDOUT", o);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long loaded = dst.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY pgbench_accounts FROM STDIN", in);
            reader.join();
            return loaded;
        }
    }

    private static boolean completed(Migration m, String stream) throws Exception {
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT completed FROM warp.snapshot_progress WHERE stream = ? AND table_name = 'public.pgbench_accounts'")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** From the first to the last snapshot batch committed by the sink (snapshot_progress timestamps). */
    private static double loadWindowSeconds(Migration m, String stream) throws Exception {
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT extract(epoch FROM updated_at - started_at) FROM warp.snapshot_progress WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

    private static String fmt(double seconds) {
        return String.format("%.1f", seconds);
    }

    private static long rate(int rows, double seconds) {
        return seconds <= 0 ? 0 : Math.round(rows / seconds);
    }
}
