package io.citus.warp.sink.progress;

import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.BaseCopyTables.SlotCopy;
import io.citus.warp.sink.event.Lsn;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Whether Warp's base copy of this migration has finished on the target, read from its record in the progress
 * schema ({@link BaseCopyTables}, written by the CLI's base copy). The connectors are deployed as soon as the copy's slot
 * exists, so changes arrive while ranges are still being copied; applying one then could touch a row not yet copied.
 * The sink therefore holds the stream until the copy has finished, and then applies only the transactions that
 * committed at or after the copy's consistent point: the earlier ones are in the copied rows (an interrupted attempt
 * leaves its slot's changes in the topic, and the next attempt's slot starts later).
 */
public final class BaseCopyGate {
    /**
     * The copy's state: still running (or not started), or finished with the slot's consistent point; its ranges and
     * rows copied so far out of those planned (-1 while nothing is recorded), for the sink's base-copy metrics.
     */
    public record State(boolean finished, long consistentLsn, String detail, long rangesCopied, long rangesTotal,
                        long rowsCopied, long rowsEstimated) {
        public State(boolean finished, long consistentLsn, String detail) {
            this(finished, consistentLsn, detail, -1, -1, -1, -1);
        }

        /** Transactions committed before this LSN are in the copied rows. -1 while the copy runs. */
        public long skipBelow() {
            return finished ? consistentLsn : -1;
        }
    }

    private final String schema;
    private final String slot;

    public BaseCopyGate(String progressSchema, String slot) {
        this.schema = progressSchema;
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
        Optional<SlotCopy> copy = BaseCopyTables.read(c, schema, slot);
        if (copy.isEmpty()) {
            return new State(false, -1, "no base copy recorded for slot " + slot + " on the target yet");
        }
        SlotCopy s = copy.get();
        if (s.finished()) {
            return new State(true, s.consistentLsnValue(), "finished at consistent point " + Lsn.format(s.consistentLsnValue()),
                    s.rangesCopied(), s.ranges(), s.rowsCopied(), s.rowsEstimated());
        }
        return new State(false, -1, "attempt " + s.attempt() + ", " + s.rangesCopied() + " of " + s.ranges() + " ranges copied",
                s.rangesCopied(), s.ranges(), s.rowsCopied(), s.rowsEstimated());
    }
}
