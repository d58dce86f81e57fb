package io.citus.warp.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Warp's base copy's record on the target, in the progress schema: {@value #STATE} (one row per slot: attempt,
 * snapshot, consistent LSN, when the copy finished) and {@value #RANGES} (one row per planned range, marked copied in
 * the transaction that commits its rows). The CLI's base copy creates and writes them; a sink deployed with
 * {@link SinkConfigKeys#BASE_COPY_SLOT} reads its slot's row ({@link #read}) to hold the stream until the copy has
 * finished; {@code warp finish} deletes the slot's rows ({@link #deleteSlot}).
 */
public final class BaseCopyTables {
    public static final String STATE = "base_copy";
    public static final String RANGES = "base_copy_progress";
    /** Both tables, in the order a slot's rows are deleted. */
    public static final List<String> ALL = List.of(RANGES, STATE);

    private BaseCopyTables() {
    }

    /**
     * A slot's copy as recorded on the target.
     *
     * @param consistentLsn the slot's consistent point as PostgreSQL writes it ({@code X/Y}), null until the slot exists
     * @param consistentLsnValue the same as a number, -1 until the slot exists
     * @param finished      every range is copied and the copy is marked done
     */
    public record SlotCopy(int attempt, String consistentLsn, long consistentLsnValue, boolean finished, long rangesCopied,
                           long ranges, long rowsCopied, long rowsEstimated) {
    }

    /** {@code "schema"."base_copy"}. */
    public static String state(String schema) {
        return ProgressTables.qualified(schema, STATE);
    }

    /** {@code "schema"."base_copy_progress"}. */
    public static String ranges(String schema) {
        return ProgressTables.qualified(schema, RANGES);
    }

    /** Idempotent DDL creating the schema and both tables (the base copy runs it before its first write). */
    public static List<String> ddl(String schema) {
        return List.of("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(schema),
                "CREATE TABLE IF NOT EXISTS " + state(schema) + " (slot_name text PRIMARY KEY, attempt int NOT NULL,"
                        + " snapshot_name text, consistent_lsn pg_lsn, parallelism int NOT NULL,"
                        + " started_at timestamptz NOT NULL DEFAULT now(), copied_at timestamptz)",
                "CREATE TABLE IF NOT EXISTS " + ranges(schema) + " (slot_name text NOT NULL, table_name text NOT NULL,"
                        + " target_table text NOT NULL, range_no int NOT NULL, ranges int NOT NULL, range_kind text NOT NULL,"
                        + " lower_bound bigint, upper_bound bigint, estimated_rows bigint NOT NULL, rows_copied bigint,"
                        + " copied_at timestamptz, PRIMARY KEY (slot_name, table_name, range_no))",
                // What a copy task needs to copy a range it claims without planning again (the base-copy connector's
                // tasks run elsewhere than its planner); the session exporting the snapshot, to end it on a start-over.
                "ALTER TABLE " + ranges(schema) + " ADD COLUMN IF NOT EXISTS source_table text, ADD COLUMN IF NOT EXISTS"
                        + " column_list text, ADD COLUMN IF NOT EXISTS key_column text, ADD COLUMN IF NOT EXISTS only_rows boolean",
                "ALTER TABLE " + state(schema) + " ADD COLUMN IF NOT EXISTS export_slot text");
    }

    /** Whether the base copy's tables exist in {@code schema} (no base copy ever ran on this target when not). */
    public static boolean exist(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL")) {
            ps.setString(1, state(schema));
            ps.setString(2, ranges(schema));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The slot's copy, or empty when none is recorded (or the tables do not exist yet). */
    public static Optional<SlotCopy> read(Connection c, String schema, String slot) throws SQLException {
        if (!exist(c, schema)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT b.attempt, b.consistent_lsn::text,"
                + " coalesce((b.consistent_lsn - '0/0'::pg_lsn)::bigint, -1), b.copied_at IS NOT NULL AND b.consistent_lsn IS NOT NULL,"
                + " (SELECT count(*) FILTER (WHERE r.copied_at IS NOT NULL) FROM " + ranges(schema) + " r WHERE r.slot_name = b.slot_name),"
                + " (SELECT count(*) FROM " + ranges(schema) + " r WHERE r.slot_name = b.slot_name),"
                + " (SELECT coalesce(sum(r.rows_copied), 0) FROM " + ranges(schema) + " r WHERE r.slot_name = b.slot_name),"
                + " (SELECT coalesce(sum(r.estimated_rows), 0) FROM " + ranges(schema) + " r WHERE r.slot_name = b.slot_name)"
                + " FROM " + state(schema) + " b WHERE b.slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SlotCopy(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getBoolean(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getLong(8)));
            }
        }
    }

    /** Deletes a slot's rows from {@code table} (one of {@link #ALL}); one bind parameter, the slot. */
    public static String deleteSlot(String schema, String table) {
        return "DELETE FROM " + ProgressTables.qualified(schema, table) + " WHERE slot_name = ?";
    }
}
