package io.citus.warp.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Replication slots on the benchmark's source: how much WAL one holds, and dropping it after a scenario. */
final class SourceSlots {
    private SourceSlots() {
    }

    /** Bytes of WAL the slot holds on the source (current WAL position minus its restart LSN); -1 without the slot. */
    static long retainedWal(BenchEnvironment.Server source, String database, String slot) throws SQLException {
        try (Connection c = source.connect(database); PreparedStatement ps = c.prepareStatement(
                "SELECT (pg_current_wal_lsn() - restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static void drop(BenchEnvironment.Server source, String database, String slot) throws SQLException {
        try (Connection c = source.connect(database); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            ps.execute();
        }
    }

    /** Drops the slot once its deleted connector's task has let go of it (it may hold it for a moment). */
    static void dropEventually(BenchEnvironment.Server source, String database, String slot) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                drop(source, database, slot);
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
