package io.citus.warp.testing;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableName;
import io.citus.warp.runtime.ConnectorStreaming;
import io.citus.warp.workload.TpcbWorkload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The base copy under a TPC-B load, shared by the PostgreSQL and the Citus test: a first copy is interrupted
 * (its source sessions terminated after a few ranges), the second starts over on its own. The sink and the Debezium
 * source ({@code snapshot.mode=no_data}, on the copy's slot) are deployed as soon as each attempt's slot exists, as
 * {@code warp start} does: the sink holds the stream until the copy has finished, and skips what the interrupted
 * attempt's slot sent. At the end
 * the target equals the source row for row and the TPC-B sums agree.
 */
public final class BaseCopyScenario {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyScenario.class);
    /** A liveness bound, not a speed check: on a shared 2-core machine the sink can apply as few as 10 tx/s. */
    private static final Duration WAIT = Duration.ofSeconds(900);

    private BaseCopyScenario() {
    }

    /**
     * @param targetSchema schema of the TPC-B tables on the target (created by the caller, empty)
     */
    public static void run(Migration m, TpcbWorkload tpcb, PgEndpoint sourceEndpoint, PgEndpoint targetEndpoint, String targetSchema)
            throws Exception {
        List<TableCopy> tables = new ArrayList<>();
        for (String t : TpcbWorkload.TABLES.split(",")) {
            TableName source = TableName.parse(t);
            tables.add(new TableCopy(source, new TableName(targetSchema, source.table())));
        }
        // The connectors as warp start deploys them: as soon as the copy's slot exists, the sink holding the stream
        // until the copy has finished (base.copy.slot).
        Map<String, String> sinkConfig = new HashMap<>(
                ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, m.templateValues(TpcbWorkload.TABLES)));
        if (!targetSchema.equals("public")) {
            sinkConfig.put("schema.mapping", "public=" + targetSchema);
        }
        sinkConfig.put("base.copy.slot", m.slotName());
        Map<String, String> sourceConfig = new HashMap<>(
                ConnectorTemplates.render(ConnectorTemplates.SOURCE_POSTGRES, m.templateValues(TpcbWorkload.TABLES)));
        sourceConfig.putAll(BaseCopy.SOURCE_SETTINGS);
        ConnectorStreaming streaming = new ConnectorStreaming(m.connect(), m.sourceConnector(), sourceConfig, m.sinkConnector(),
                sinkConfig, LOG::info);
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Long>> load = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            load.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return tpcb.run(m::openSource, stop::get, 50);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        try {
            Thread.sleep(500);
            long historyBefore = count(m, "pgbench_history");
            BaseCopy copy = new BaseCopy(sourceEndpoint, targetEndpoint, "warp", new BaseCopyOptions(4, 10_000, false), LOG::info);

            // First attempt, interrupted after two ranges: its snapshot dies with its sessions. The connectors were
            // deployed when its slot was created; the source sent the load's changes into the topic meanwhile.
            // A SHARE lock on the smallest target table (copied last) holds the copy until the source has streamed.
            Connection lock = m.target();
            lock.setAutoCommit(false);
            try (Statement s = lock.createStatement()) {
                s.execute("LOCK TABLE " + targetSchema + ".pgbench_history IN SHARE MODE");
            }
            CompletableFuture<Integer> interrupter = CompletableFuture.supplyAsync(() -> interruptWhileStreaming(m, 2, lock));
            Exception interrupted = assertThrows(Exception.class, () -> copy.run(m.slotName(), m.publicationName(), tables, streaming),
                    "the copy whose source sessions were terminated fails");
            LOG.info("first attempt failed as intended: {}", interrupted.getMessage());
            assertTrue(interrupter.get() > 0, "source sessions of the copy were terminated");
            assertEquals(0, slots(m), "the failed attempt removed the source connector and dropped its slot (it would hold WAL)");
            assertFalse(m.connect().exists(m.sourceConnector()), "the source connector of the failed attempt was removed");
            assertEquals(0, appliedRows(m), "the sink applied nothing while the copy ran");
            assertTrue(copiedRanges(m) >= 2, "the first attempt had committed ranges before it was interrupted");

            // Second attempt: starts over by itself (drops nothing left, empties the partly copied tables). What the first
            // attempt's slot sent is still in the topic: the sink skips it (committed before the new consistent point).
            BaseCopy.Result result = copy.run(m.slotName(), m.publicationName(), tables, streaming);
            assertEquals(2, result.attempt());
            assertFalse(result.skipped());
            assertTrue(result.ranges() > tables.size(), "large tables were split into ranges: " + result.ranges());
            long historyAfter = count(m, "pgbench_history");
            LOG.info("base copy: {} rows in {} ranges, {} ms; {} TPC-B transactions committed on the source since the first attempt began",
                    result.rows(), result.ranges(), result.millis(), historyAfter - historyBefore);
            assertTrue(historyAfter > historyBefore, "the TPC-B load wrote during the copy");
            assertEquals(1, slots(m), "the slot stays for streaming");

            // A second run after a finished copy copies nothing again (and deploys the same configs again).
            assertTrue(copy.run(m.slotName(), m.publicationName(), tables, streaming).skipped());
            awaitTaskRunning(m, m.sinkConnector());
            awaitTaskRunning(m, m.sourceConnector());
            Thread.sleep(3000);
        } finally {
            stop.set(true);
        }
        TpcbMigration.assertLoadArrived(m, load, targetSchema, WAIT);
    }

    /** As Migration#awaitRunning, with the longer bound a starved shared machine needs to start a Debezium task. */
    private static void awaitTaskRunning(Migration m, String connector) {
        Eventually.await(WAIT, connector + " task RUNNING", () -> m.connect().status(connector), status -> {
            Migration.failIfFailed(connector, status);
            return status.path("tasks").size() > 0 && "RUNNING".equals(status.path("tasks").get(0).path("state").asText());
        });
    }

    /**
     * Waits until the copy has committed {@code ranges} ranges and the Debezium source has streamed changes from the
     * copy's slot into the topic (the slot's confirmed flush position, which Debezium advances only for changes it
     * has written to Kafka, moved past the consistent point), then terminates the copy's source sessions and releases
     * {@code lock}; returns how many sessions it terminated (0: the conditions were not reached in time).
     */
    private static int interruptWhileStreaming(Migration m, int ranges, Connection lock) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (lock) {
            while (System.nanoTime() < deadline) {
                if (copiedRanges(m) >= ranges && streamedFromSlot(m)) {
                    try (Connection src = m.source(); Statement s = src.createStatement(); ResultSet rs = s.executeQuery(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
                                    + " AND application_name = 'warp-basecopy'")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
                Thread.sleep(50);
            }
            LOG.error("the copy did not reach {} ranges with the source streaming within {}", ranges, WAIT);
            return 0;
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean streamedFromSlot(Migration m) throws SQLException {
        String consistent;
        try (Connection dst = m.target()) {
            consistent = BaseCopyTables.read(dst, SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, m.slotName())
                    .map(BaseCopyTables.SlotCopy::consistentLsn).orElse(null);
        }
        if (consistent == null) {
            return false;
        }
        try (Connection src = m.source(); Statement s = src.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT confirmed_flush_lsn > '" + consistent + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '"
                        + m.slotName() + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static long copiedRanges(Migration m) {
        try (Connection dst = m.target()) {
            // The progress tables are created by the copy itself: none yet, no range copied.
            return BaseCopyTables.read(dst, SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, m.slotName())
                    .map(BaseCopyTables.SlotCopy::rangesCopied).orElse(0L);
        } catch (SQLException e) {
            return 0;
        }
    }

    /**
     * This migration's sink's row in the progress table (written with its first applied transaction; the stream is
     * the connector's name, as the shipped config leaves progress.stream unset), 0 or 1; 0 before the table exists. A
     * Citus target database is shared by the tests, so other streams' rows are there too.
     */
    private static long appliedRows(Migration m) {
        try (Connection dst = m.target(); java.sql.PreparedStatement ps = dst.prepareStatement(
                "SELECT count(*) FROM warp.sink_progress WHERE stream = ?")) {
            ps.setString(1, m.sinkConnector());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return 0; // created by the sink on its first position read
        }
    }

    private static int slots(Migration m) throws SQLException {
        try (Connection src = m.source(); Statement s = src.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + m.slotName() + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long count(Migration m, String table) throws SQLException {
        try (Connection src = m.source(); Statement s = src.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
