package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureAdvice;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.txn.SourceTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Applies a group of consecutive source transactions in one target transaction (group commit), never
 * splitting a source transaction, with the stream's progress written in the same transaction.
 *
 * <p>Fast path: the group's net effect per table, written in batches. If that fails for a reason other
 * than a transient one, the exact path replays the group one source transaction per target
 * transaction, each change in source order, so the transactions before a bad one are committed and the
 * bad one is named precisely, with nothing of it applied.
 */
public final class GroupApplier {
    private static final Logger LOG = LoggerFactory.getLogger(GroupApplier.class);

    private final TargetSession session;
    private final ChangeWriter changes;
    private final ProgressStore progress;
    private final CommitListener listener;

    public GroupApplier(TargetSession session, RowEncoder encoder, ProgressStore progress, CommitListener listener) {
        this.session = session;
        this.changes = new ChangeWriter(session, encoder);
        this.progress = progress;
        this.listener = listener;
    }

    /** @param groupEnd the last Kafka record covered by the group (may follow the last transaction's END) */
    public void apply(List<SourceTransaction> transactions, KafkaPosition groupEnd) {
        boolean inOrderOnly = transactions.stream().anyMatch(tx -> changes.needsOrder(tx.events()));
        if (!inOrderOnly) {
            try {
                applyNetted(transactions, groupEnd);
                return;
            } catch (SQLException e) {
                session.rollbackQuietly();
                if (ErrorKind.of(e) == ErrorKind.TRANSIENT) {
                    throw transientFailure(session, e);
                }
                LOG.info("batched apply of {} source transaction(s) failed ({}); applying them one by one in source order",
                        transactions.size(), FailureAdvice.summary(e));
            } catch (ApplyException e) {
                session.rollbackQuietly();
                if (e.isTransient()) {
                    throw e;
                }
                // Replay exactly, so that the transactions before the failing one are kept.
            } catch (RuntimeException e) {
                session.rollbackQuietly();
                throw e;
            }
        }
        applyInOrder(transactions, groupEnd);
    }

    private void applyNetted(List<SourceTransaction> transactions, KafkaPosition groupEnd) throws SQLException {
        Connection c = session.connection();
        session.beginStreaming();
        long count = 0;
        for (SourceTransaction tx : transactions) {
            count += tx.events().size();
        }
        changes.writeNetted(() -> transactions.stream().flatMap(tx -> tx.events().stream()).iterator());
        SourceTransaction last = transactions.get(transactions.size() - 1);
        progress.recordTransactions(c, groupEnd, last.commitLsn(), last.txId(), last.commitTsMs(), transactions.size(), count);
        c.commit();
        listener.committed(groupEnd, transactions.size(), count, last.commitLsn(), last.commitTsMs());
    }

    private void applyInOrder(List<SourceTransaction> transactions, KafkaPosition groupEnd) {
        for (int i = 0; i < transactions.size(); i++) {
            SourceTransaction tx = transactions.get(i);
            KafkaPosition position = i == transactions.size() - 1 ? groupEnd : tx.last();
            try {
                Connection c = session.connection();
                session.beginStreaming();
                changes.writeInOrder(tx.events());
                progress.recordTransactions(c, position, tx.commitLsn(), tx.txId(), tx.commitTsMs(), 1, tx.events().size());
                c.commit();
                listener.committed(position, 1, tx.events().size(), tx.commitLsn(), tx.commitTsMs());
            } catch (SQLException | RuntimeException e) {
                throw failure(session, tx.txId(), tx.commitLsn(), tx.commitTsMs(), changes.current(), e);
            }
        }
    }

    /**
     * Rolls back, then sorts a failure of one source transaction: transient ones are retried later (the
     * session is discarded), anything else becomes a permanent error naming the transaction and the change.
     */
    static RuntimeException failure(TargetSession session, long txId, long commitLsn, long commitTsMs, ChangeEvent change,
                                    Exception e) {
        session.rollbackQuietly();
        if (e instanceof SQLException sql) {
            if (ErrorKind.of(sql) == ErrorKind.TRANSIENT) {
                return transientFailure(session, sql);
            }
            return new ApplyException(ErrorKind.PERMANENT, permanentMessage(txId, commitLsn, commitTsMs, change, sql),
                    FailureAdvice.redacted(sql));
        }
        if (e instanceof ApplyException a) {
            return a.isTransient() ? a
                    : new ApplyException(ErrorKind.PERMANENT, transactionContext(txId, commitLsn, commitTsMs) + a.getMessage(), a.getCause());
        }
        return (RuntimeException) e;
    }

    static ApplyException transientFailure(TargetSession session, SQLException e) {
        session.discard();
        return new ApplyException(ErrorKind.TRANSIENT, "transient target failure (" + e.getSQLState() + "): "
                + FailureAdvice.summary(e), FailureAdvice.redacted(e));
    }

    private static String transactionContext(long txId, long commitLsn, long commitTsMs) {
        return "Could not apply source transaction " + txId + (commitLsn >= 0 ? " (commit LSN " + Lsn.format(commitLsn)
                + (commitTsMs > 0 ? ", committed " + Instant.ofEpochMilli(commitTsMs) : "") + ")" : "") + ". Nothing of it "
                + "was applied; the sink will resume at this transaction. ";
    }

    private static String permanentMessage(long txId, long commitLsn, long commitTsMs, ChangeEvent event, SQLException e) {
        StringBuilder m = new StringBuilder(transactionContext(txId, commitLsn, commitTsMs));
        if (event != null) {
            m.append("Failing change: ").append(event.describe()).append(". ");
        }
        String column = FailureAdvice.column(e);
        if (column != null) {
            m.append("Column: \"").append(column).append("\". ");
        }
        m.append("Target error (SQLSTATE ").append(e.getSQLState()).append("): ").append(FailureAdvice.summary(e).trim()).append(' ');
        m.append(FailureAdvice.advice(e));
        return m.toString();
    }
}
