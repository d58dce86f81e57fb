package io.citus.warp.sink.errors;

import io.citus.warp.common.TableName;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.Lsn;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The words of every failure an apply path reports, always in one order: what was not applied and where the sink
 * resumes (a source transaction, or a batch of snapshot rows), the change that failed, the column, the target's error
 * (SQLSTATE and a summary redacted of row values, {@link FailureAdvice}) and what to do. A value the sink refuses is
 * worded by {@link #valueRefused} alone. No message quotes a row value: it would reach the task's trace and the
 * worker's log.
 */
public final class FailureMessage {
    private final String notApplied;
    private final String during;
    private final ChangeEvent change;

    private FailureMessage(String notApplied, String during, ChangeEvent change) {
        this.notApplied = notApplied;
        this.during = during;
        this.change = change;
    }

    /** A source transaction (commit LSN and time when known: -1 for a part of a transaction still open). */
    public static FailureMessage transaction(long txId, long commitLsn, long commitTsMs) {
        return new FailureMessage("Could not apply source transaction " + txId + (commitLsn >= 0 ? " (commit LSN "
                + Lsn.format(commitLsn) + (commitTsMs > 0 ? ", committed " + Instant.ofEpochMilli(commitTsMs) : "") + ")" : "")
                + ". Nothing of it was applied; the sink will resume at this transaction. ", "source transaction " + txId, null);
    }

    /** A batch of snapshot rows of one table, loaded in one target transaction. */
    public static FailureMessage snapshotRows(List<ChangeEvent> rows) {
        ChangeEvent first = rows.get(0);
        return new FailureMessage("Could not load snapshot rows of " + first.table() + " (snapshot LSN "
                + Lsn.format(first.source().lsn()) + ", Kafka " + first.kafka() + " to " + rows.get(rows.size() - 1).kafka()
                + "). Nothing of this batch was applied. ", "snapshot load", null);
    }

    /** The same, naming the change that was being written when it failed (null: none known). */
    public FailureMessage change(ChangeEvent failing) {
        return new FailureMessage(notApplied, during, failing);
    }

    /** A failure that retrying may cure (connection lost, deadlock, node restarting...). */
    public String transientFailure(SQLException e) {
        return "transient target failure during " + during + " (" + e.getSQLState() + "): " + FailureAdvice.summary(e);
    }

    /** The target refused the work: its error and what to do about it. */
    public String targetError(SQLException e) {
        StringBuilder m = new StringBuilder(notApplied);
        if (change != null) {
            m.append("Failing change: ").append(change.describe()).append(". ");
        }
        String column = FailureAdvice.column(e);
        if (column != null) {
            m.append("Column: \"").append(column).append("\". ");
        }
        return m.append("Target error (SQLSTATE ").append(e.getSQLState()).append("): ").append(FailureAdvice.summary(e).trim())
                .append(' ').append(FailureAdvice.advice(e)).toString();
    }

    /** The sink refused the work: {@code refusal} names the change and says why and what to do. */
    public String refused(String refusal) {
        return notApplied + refusal;
    }

    /**
     * The one refusal of a value the sink cannot write exactly: the change (table, operation, source and Kafka position),
     * the column with its target type and how the value travelled, why and what to do. Never the value.
     *
     * @param reason why, and what to do; the value types word it without the value
     */
    public static String valueRefused(ChangeEvent change, TableName table, String column, String targetType, String connectSchema,
                                      String reason) {
        return change.describe() + ": the value of column \"" + column + "\" of target table " + table + " (type " + targetType
                + ", Connect schema " + connectSchema + ") cannot be written exactly: " + reason + ".";
    }
}
