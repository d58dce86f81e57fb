package io.citus.warp.sink.progress;

import io.citus.warp.sink.event.Lsn;
import io.citus.warp.common.ProgressTables;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether Warp's base copy of this migration has finished on the target, read from its record in the progress
 * schema ({@code base_copy}, written by the CLI's base copy). The connectors are deployed as soon as the copy's slot
 * exists, so changes arrive while ranges are still being copied; applying one then could touch a row not yet copied.
 * The sink therefore holds the stream until the copy has finished, and then applies only the transactions that
 * committed at or after the copy's consistent point: the earlier ones are in the copied rows (an interrupted attempt
 * leaves its slot's changes in the topic, and the next attempt's slot starts later).
 */
public final class BaseCopyGate {
    /** The copy's state: still running (or not started), or finished with the slot's consistent point. */
    public record State(boolean finished, long consistentLsn, String detail) {
        /** Transactions committed before this LSN are in the copied rows. -1 while the copy runs. */
        public long skipBelow() {
            return finished ? consistentLsn : -1;
        }
    }

    private final String table;
    private final String ranges;
    private final String slot;

    public BaseCopyGate(String progressSchema, String slot) {
        this.table = ProgressTables.qualified(progressSchema, ProgressTables.BASE_COPY);
        this.ranges = ProgressTables.qualified(progressSchema, ProgressTables.BASE_COPY_RANGES);
        this.slot = slot;
    }

    public String slot() {
        return slot;
    }

    /**
     * Reads the copy's state. On a session with autocommit off (the sink's), the read-only transaction this read began is
     * ended again: the sink asks every few seconds for as long as the copy runs, and must not sit idle in a transaction
     * holding locks on the progress tables and an old snapshot meanwhile. A transaction the caller had open stays open.
     */
    public State read(Connection c) throws SQLException {
        boolean endTransaction = !c.getAutoCommit()
                && c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
        try {
            return readState(c);
        } finally {
            if (endTransaction) {
                c.rollback(); // nothing was written: rollback ends it as well as commit, and cannot fail on a conflict
            }
        }
    }

    private State readState(Connection c) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL, to_regclass(?) IS NOT NULL")) {
            exists.setString(1, table);
            exists.setString(2, ranges);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1) || !rs.getBoolean(2)) {
                    return new State(false, -1, "no base copy recorded on the target yet");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT b.attempt, (b.consistent_lsn - '0/0'::pg_lsn)::bigint,"
                + " b.copied_at IS NOT NULL, (SELECT count(*) FILTER (WHERE r.copied_at IS NOT NULL) || ' of ' || count(*)"
                + " FROM " + ranges + " r WHERE r.slot_name = b.slot_name) FROM " + table + " b WHERE b.slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new State(false, -1, "no base copy recorded for slot " + slot + " yet");
                }
                long lsn = rs.getLong(2);
                boolean hasLsn = !rs.wasNull();
                if (rs.getBoolean(3) && hasLsn) {
                    return new State(true, lsn, "finished at consistent point " + Lsn.format(lsn));
                }
                return new State(false, -1, "attempt " + rs.getInt(1) + ", " + rs.getString(4) + " ranges copied");
            }
        }
    }
}
