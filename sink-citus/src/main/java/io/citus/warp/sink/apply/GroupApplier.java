package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.FailureMessage;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.txn.SourceTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Applies a group of consecutive source transactions in one target transaction (group commit), never
 * splitting a source transaction, with the stream's progress written in the same transaction.
 *
 * <p>Fast path: the group's net effect per table, written in batches. If that fails for a reason other
 * than a transient one, the exact path replays the group one source transaction per target
 * transaction, each change in source order, so the transactions before a bad one are committed and the
 * bad one is named precisely, with nothing of it applied. A transaction whose rows satisfy a foreign key only at the end
 * of the source's statement (rows of one multi-row INSERT referencing each other) is then written as its net effect.
 */
public final class GroupApplier {
    private static final Logger LOG = LoggerFactory.getLogger(GroupApplier.class);
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final TargetSession session;
    private final TargetTransaction target;
    private final ChangeWriter changes;
    private final ProgressStore progress;
    private final CommitListener listener;

    public GroupApplier(TargetSession session, RowEncoder encoder, SchemaChangeApplier schemaChanges, ProgressStore progress,
                        CommitListener listener) {
        this.session = session;
        this.target = new TargetTransaction(session);
        this.changes = new ChangeWriter(session, encoder, schemaChanges);
        this.progress = progress;
        this.listener = listener;
    }

    /** @param groupEnd the last Kafka record covered by the group (may follow the last transaction's END) */
    public void apply(List<SourceTransaction> transactions, KafkaPosition groupEnd) {
        if (transactions.stream().noneMatch(tx -> changes.needsOrder(tx.events()))) {
            SourceTransaction last = transactions.get(transactions.size() - 1);
            long count = transactions.stream().mapToLong(tx -> tx.events().size()).sum();
            try {
                applyNetted(transactions, groupEnd);
                listener.committed(groupEnd, transactions.size(), count, last.commitLsn(), last.commitTsMs());
                return;
            } catch (ApplyException e) {
                if (e.isTransient()) {
                    throw e;
                }
                // Replay exactly, so that the transactions before the failing one are kept.
                if (e.sqlState() != null) {
                    LOG.info("batched apply of {} source transaction(s) failed ({}); applying them one by one in source order",
                            transactions.size(), e.getCause().getMessage());
                }
            }
        }
        applyInOrder(transactions, groupEnd);
    }

    /** The transactions' net effect and the stream's position, in one target transaction. */
    private void applyNetted(List<SourceTransaction> transactions, KafkaPosition position) {
        SourceTransaction last = transactions.get(transactions.size() - 1);
        long count = transactions.stream().mapToLong(tx -> tx.events().size()).sum();
        target.run(() -> FailureMessage.transaction(last.txId(), last.commitLsn(), last.commitTsMs()), c -> {
            session.beginStreaming();
            changes.writeNetted(() -> transactions.stream().flatMap(tx -> tx.events().stream()).iterator());
            progress.recordTransactions(c, position, last.commitLsn(), last.txId(), last.commitTsMs(), transactions.size(), count);
            c.commit();
        });
    }

    private void applyInOrder(List<SourceTransaction> transactions, KafkaPosition groupEnd) {
        for (int i = 0; i < transactions.size(); i++) {
            SourceTransaction tx = transactions.get(i);
            KafkaPosition position = i == transactions.size() - 1 ? groupEnd : tx.last();
            try {
                target.run(() -> FailureMessage.transaction(tx.txId(), tx.commitLsn(), tx.commitTsMs()).change(changes.current()), c -> {
                    session.beginStreaming();
                    changes.writeInOrder(tx.events());
                    progress.recordTransactions(c, position, tx.commitLsn(), tx.txId(), tx.commitTsMs(), 1, tx.events().size());
                    c.commit();
                });
            } catch (ApplyException e) {
                if (!FOREIGN_KEY_VIOLATION.equals(e.sqlState()) || changes.needsOrder(tx.events())) {
                    throw e;
                }
                // PostgreSQL checks a foreign key at the end of each statement, so one multi-row statement may insert rows
                // that reference each other in any order; replayed row by row the first of them fails. The transaction's
                // net effect, one statement per table and shape, is its committed state; if that fails too, the exact
                // failure (naming the change) stands.
                try {
                    applyNetted(List.of(tx), position);
                } catch (ApplyException netted) {
                    if (netted.isTransient()) {
                        throw netted;
                    }
                    throw e;
                }
            }
            listener.committed(position, 1, tx.events().size(), tx.commitLsn(), tx.commitTsMs());
        }
    }
}
