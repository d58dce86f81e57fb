package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureMessage;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.txn.StreamedCommit;
import io.citus.warp.sink.txn.TransactionPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/**
 * One source transaction too large to hold in memory, written in parts into one target transaction
 * that stays open across {@code put()} calls and commits with the progress row at the source's END. The
 * target never shows part of it; if the target transaction is lost, the parts are read again from Kafka.
 *
 * <p>Each part is written as its net effect under a savepoint; if that fails for a reason other than a
 * transient one, the part is written again change by change, so a bad change is named exactly.
 */
public final class StreamedTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedTransaction.class);

    private final TargetSession session;
    private final TargetTransaction target;
    private final ChangeWriter changes;
    private final ProgressStore progress;
    private final CommitListener listener;
    private long txId = -1;
    private long written;

    public StreamedTransaction(TargetSession session, RowEncoder encoder, SchemaChangeApplier schemaChanges,
                               ProgressStore progress, CommitListener listener) {
        this.session = session;
        this.target = new TargetTransaction(session);
        this.changes = new ChangeWriter(session, encoder, schemaChanges);
        this.progress = progress;
        this.listener = listener;
    }

    public void write(TransactionPart part) {
        write(part.txId(), part.events());
    }

    public void commit(StreamedCommit end) {
        write(end.txId(), end.events());
        txId = -1;
        target.run(() -> FailureMessage.transaction(end.txId(), end.commitLsn(), end.commitTsMs()), c -> {
            progress.recordTransactions(c, end.last(), end.commitLsn(), end.txId(), end.commitTsMs(), 1, end.changes());
            c.commit();
        });
        LOG.info("source transaction {} committed on the target: {} changes written in parts", end.txId(), end.changes());
        listener.committed(end.last(), 1, end.changes(), end.commitLsn(), end.commitTsMs());
    }

    /** Rolls back the open target transaction, if any. */
    public void abort() {
        if (txId >= 0) {
            LOG.info("rolling back the open target transaction of source transaction {} ({} changes written)", txId, written);
            session.rollbackQuietly();
        }
        txId = -1;
    }

    private void write(long sourceTxId, List<ChangeEvent> events) {
        try {
            if (txId != sourceTxId) {
                if (txId >= 0) {
                    throw new IllegalStateException("source transaction " + sourceTxId + " streamed while " + txId + " is open");
                }
                session.connection();
                session.beginStreaming();
                txId = sourceTxId;
                written = 0;
                LOG.info("source transaction {} is larger than apply.transaction.buffer.changes; writing it in parts into "
                        + "one target transaction that commits at its END", sourceTxId);
            }
            if (events.isEmpty()) {
                return;
            }
            if (changes.needsOrder(events)) {
                changes.writeInOrder(events);
            } else {
                writeNettedOrExact(events);
            }
            written += events.size();
        } catch (SQLException | RuntimeException e) {
            txId = -1;
            throw target.failed(FailureMessage.transaction(sourceTxId, -1, -1).change(changes.current()), e);
        }
    }

    private void writeNettedOrExact(List<ChangeEvent> events) throws SQLException {
        Connection c = session.connection();
        Savepoint savepoint = c.setSavepoint();
        try {
            changes.writeNetted(events);
        } catch (SQLException e) {
            if (ErrorKind.of(e) == ErrorKind.TRANSIENT) {
                throw e;
            }
            c.rollback(savepoint);
            changes.writeInOrder(events);
        } catch (ApplyException e) {
            if (e.isTransient()) {
                throw e;
            }
            c.rollback(savepoint);
            changes.writeInOrder(events);
        }
        c.releaseSavepoint(savepoint);
    }
}
