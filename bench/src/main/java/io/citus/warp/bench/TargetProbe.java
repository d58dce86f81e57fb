package io.citus.warp.bench;

import io.citus.warp.workload.TpcbWorkload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Watches one target database for a sink to finish a phase, with the same queries for Warp and the peer.
 * Between polls it asks Connect whether the sink has failed, so a broken sink ends the run with its trace
 * instead of a timeout.
 */
public final class TargetProbe implements AutoCloseable {
    private final Connection connection;
    private final Connectors connectors;
    private final String connector;

    public TargetProbe(BenchEnvironment.Server server, String database, Connectors connectors, String connector) throws SQLException {
        this.connection = server.connect(database);
        this.connection.setAutoCommit(true);
        this.connectors = connectors;
        this.connector = connector;
    }

    public long count(String table) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean exists(String table, String keyColumn, long key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE " + keyColumn + " = ?")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Waits until {@code table} holds {@code rows} rows with keys 1..rows and returns System.nanoTime() of the
     * poll that first saw them all. The cheap probe (is the last key there?) runs every 20 ms; count(*) only
     * confirms, so the probe itself takes little from the sink being measured.
     */
    public long awaitRows(String table, String keyColumn, long rows, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastStatusCheck = 0;
        while (true) {
            long now = System.nanoTime();
            if (exists(table, keyColumn, rows)) {
                if (count(table) >= rows) {
                    return now;
                }
            }
            if (now - lastStatusCheck > 2_000_000_000L) {
                connectors.checkNotFailed(connector);
                lastStatusCheck = now;
            }
            if (now > deadline) {
                throw new IllegalStateException(connector + " did not bring " + table + " to " + rows + " rows within "
                        + timeout.toSeconds() + "s (has " + count(table) + ")");
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the target's TPC-B tables equal the source's final state: as many history rows and the same
     * three balance sums. Returns System.nanoTime() of the poll that saw it.
     */
    public long awaitTpcb(long historyRows, long[] sums, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastStatusCheck = 0;
        while (true) {
            long now = System.nanoTime();
            if (count("pgbench_history") >= historyRows && java.util.Arrays.equals(TpcbWorkload.balanceSums(connection), sums)) {
                return now;
            }
            if (now - lastStatusCheck > 2_000_000_000L) {
                connectors.checkNotFailed(connector);
                lastStatusCheck = now;
            }
            if (now > deadline) {
                throw new IllegalStateException(connector + " did not catch up with the source within " + timeout.toSeconds()
                        + "s (history " + count("pgbench_history") + " of " + historyRows + ")");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
