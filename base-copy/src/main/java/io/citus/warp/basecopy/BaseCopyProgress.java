package io.citus.warp.basecopy;

import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.BaseCopyTables.SlotCopy;
import io.citus.warp.common.TableName;
import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The base copy's writes to its record on the target ({@link BaseCopyTables}: one row per slot, one per planned range;
 * {@code copied_at} and {@code rows_copied} are set in the transaction that commits the range's rows, so a range
 * is recorded as copied exactly when its rows are on the target).
 */
public final class BaseCopyProgress {
    private final String schema;

    public BaseCopyProgress(String schema) {
        this.schema = schema;
    }

    String schema() {
        return schema;
    }

    String state() {
        return BaseCopyTables.state(schema);
    }

    String ranges() {
        return BaseCopyTables.ranges(schema);
    }

    void create(Connection t) throws SQLException {
        for (String ddl : BaseCopyTables.ddl(schema)) {
            Sql.exec(t, ddl);
        }
    }

    /** The state of an earlier attempt for this slot, or null. */
    SlotCopy attempt(Connection t, String slot) throws SQLException {
        return BaseCopyTables.read(t, schema, slot).orElse(null);
    }

    /**
     * Target tables (quoted) of an earlier attempt's plan, copied into or not: a range can be on the target without its
     * progress row (on Citus, a worker commits its shard's rows before the coordinator commits the progress row, so a
     * coordinator lost at that moment leaves rows recorded nowhere).
     */
    List<String> plannedTargets(Connection t, String slot) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String[] r : Sql.rows(t, "SELECT DISTINCT target_table FROM " + ranges() + " WHERE slot_name = ? ORDER BY 1", slot)) {
            out.add(r[0]);
        }
        return out;
    }

    void forget(Connection t, String slot) throws SQLException {
        for (String table : BaseCopyTables.ALL) {
            try (PreparedStatement ps = t.prepareStatement(BaseCopyTables.deleteSlot(schema, table))) {
                ps.setString(1, slot);
                ps.executeUpdate();
            }
        }
    }

    void begin(Connection t, String slot, int attempt, int parallelism) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("INSERT INTO " + state() + " (slot_name, attempt, parallelism) VALUES (?, ?, ?)")) {
            ps.setString(1, slot);
            ps.setInt(2, attempt);
            ps.setInt(3, parallelism);
            ps.executeUpdate();
        }
    }

    void slotCreated(Connection t, String slot, String snapshotName, String consistentLsn) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("UPDATE " + state() + " SET snapshot_name = ?, consistent_lsn = ?::pg_lsn"
                + " WHERE slot_name = ?")) {
            ps.setString(1, snapshotName);
            ps.setString(2, consistentLsn);
            ps.setString(3, slot);
            ps.executeUpdate();
        }
    }

    void planned(Connection t, String slot, List<CopyRange> plan) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("INSERT INTO " + ranges() + " (slot_name, table_name, target_table, range_no,"
                + " ranges, range_kind, lower_bound, upper_bound, estimated_rows, source_table, column_list, key_column, only_rows)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (CopyRange r : plan) {
                ps.setString(1, slot);
                ps.setString(2, r.source().toString());
                ps.setString(3, r.target().quoted());
                ps.setInt(4, r.rangeNo());
                ps.setInt(5, r.ranges());
                ps.setString(6, r.kind().name().toLowerCase(java.util.Locale.ROOT));
                ps.setObject(7, r.lower());
                ps.setObject(8, r.upper());
                ps.setLong(9, r.estimatedRows());
                ps.setString(10, r.source().quoted());
                ps.setString(11, r.columns());
                ps.setString(12, r.keyColumn());
                ps.setBoolean(13, r.only());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Marks a range copied, in the caller's transaction (the one holding its rows). */
    static void copied(PreparedStatement markCopied, String slot, CopyRange r, long rows) throws SQLException {
        markCopied.setLong(1, rows);
        markCopied.setString(2, slot);
        markCopied.setString(3, r.source().toString());
        markCopied.setInt(4, r.rangeNo());
        if (markCopied.executeUpdate() != 1) {
            throw new IllegalStateException("base copy progress of " + r.describe() + " was not pending (slot " + slot
                    + "): another copy of the same migration is running?");
        }
    }

    /**
     * Claims the largest pending range of the slot's current attempt for the caller's open target transaction: the row
     * stays locked until that transaction commits the range's rows (or aborts), so concurrent copy tasks skip it, and a
     * task that dies releases it. Nothing when the attempt or snapshot is no longer the current one (a start-over
     * replaced them: the caller's snapshot would show another state) or every range is taken.
     */
    Optional<CopyRange> claim(Connection t, String slot, int attempt, String snapshotName) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("SELECT r.source_table, r.target_table, r.column_list, r.range_no, r.ranges,"
                + " r.range_kind, r.key_column, r.lower_bound, r.upper_bound, r.estimated_rows, r.only_rows FROM " + ranges() + " r JOIN "
                + state() + " b ON b.slot_name = r.slot_name WHERE r.slot_name = ? AND b.attempt = ? AND b.snapshot_name = ?"
                + " AND b.copied_at IS NULL AND r.copied_at IS NULL AND r.source_table IS NOT NULL"
                + " ORDER BY r.estimated_rows DESC, r.table_name, r.range_no LIMIT 1 FOR UPDATE OF r SKIP LOCKED")) {
            ps.setString(1, slot);
            ps.setInt(2, attempt);
            ps.setString(3, snapshotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CopyRange(TableName.parse(rs.getString(1)), TableName.parse(rs.getString(2)), rs.getString(3),
                        rs.getInt(4), rs.getInt(5), CopyRange.Kind.valueOf(rs.getString(6).toUpperCase(java.util.Locale.ROOT)),
                        rs.getString(7), (Long) rs.getObject(8, Long.class), (Long) rs.getObject(9, Long.class), rs.getLong(10),
                        rs.getBoolean(11)));
            }
        }
    }

    /** The exporting session's temporary slot of the current attempt, recorded so that a start-over can end it. */
    void exportSlot(Connection t, String slot, String exportSlot) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("UPDATE " + state() + " SET export_slot = ? WHERE slot_name = ?")) {
            ps.setString(1, exportSlot);
            ps.setString(2, slot);
            ps.executeUpdate();
        }
    }

    /** The export slot recorded for the slot's attempt, or null. */
    String exportSlot(Connection t, String slot) throws SQLException {
        return Sql.one(t, "SELECT export_slot FROM " + state() + " WHERE slot_name = ?", slot);
    }

    String markCopiedSql() {
        return "UPDATE " + ranges() + " SET rows_copied = ?, copied_at = clock_timestamp() WHERE slot_name = ? AND table_name = ?"
                + " AND range_no = ? AND copied_at IS NULL";
    }

    void finished(Connection t, String slot) throws SQLException {
        try (PreparedStatement ps = t.prepareStatement("UPDATE " + state() + " SET copied_at = clock_timestamp() WHERE slot_name = ?")) {
            ps.setString(1, slot);
            ps.executeUpdate();
        }
    }

    /** Whether a base copy for this slot was begun on the target and has not finished (false when none is recorded). */
    public boolean unfinished(Connection t, String slot) throws SQLException {
        if ("f".equals(Sql.one(t, "SELECT to_regclass(?) IS NOT NULL", state()))) {
            return false;
        }
        return Sql.one(t, "SELECT 1 FROM " + state() + " WHERE slot_name = ? AND copied_at IS NULL", slot) != null;
    }

    /** Per table: rows copied so far, estimated total, whether every range is copied; for warp status. */
    public record TableProgress(String table, long rowsCopied, long estimatedRows, boolean completed) {
    }

    /** Nothing (empty list) when the progress tables do not exist: no base copy ran on this target. */
    public List<TableProgress> read(Connection t, String slot) throws SQLException {
        if (!BaseCopyTables.exist(t, schema)) {
            return List.of();
        }
        List<TableProgress> out = new ArrayList<>();
        for (String[] r : Sql.rows(t, "SELECT table_name, coalesce(sum(rows_copied), 0), sum(estimated_rows),"
                + " bool_and(copied_at IS NOT NULL) FROM " + ranges() + " WHERE slot_name = ? GROUP BY table_name ORDER BY table_name", slot)) {
            out.add(new TableProgress(r[0], Long.parseLong(r[1]), Long.parseLong(r[2]), "t".equals(r[3])));
        }
        return out;
    }
}
