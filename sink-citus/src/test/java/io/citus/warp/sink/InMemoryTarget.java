package io.citus.warp.sink;

import io.citus.warp.sink.apply.CommitListener;
import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.progress.BaseCopyGate;
import io.citus.warp.sink.progress.Progress;
import io.citus.warp.sink.queue.ApplyTarget;
import io.citus.warp.sink.txn.SourceTransaction;
import io.citus.warp.sink.txn.StreamedCommit;
import io.citus.warp.sink.txn.TransactionPart;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A target held in memory: its progress row, the base copy's state, and the source transactions committed on it. Like
 * the coordinator, it writes the progress row in the same commit as the changes. It can be told to fail the next
 * apply before committing, or to commit and then fail (the COMMIT's acknowledgement lost with the connection).
 */
final class InMemoryTarget implements SinkTarget {
    Optional<Progress> stored = Optional.empty();
    BaseCopyGate.State baseCopy = new BaseCopyGate.State(false, -1, "not started");
    /** Source transactions committed, in commit order (a transaction applied twice shows twice). */
    final List<Long> committed = new ArrayList<>();
    boolean failNext;
    boolean failAlways;
    boolean loseNextCommit;
    boolean connectionLost;
    int discards;
    /** Reads of the progress row that fail (transiently) before one succeeds. */
    int unreadable;

    @Override
    public Optional<Progress> read() {
        if (unreadable > 0) {
            unreadable--;
            throw new ApplyException(ErrorKind.TRANSIENT, "cannot read the sink's progress from the target: gone", null);
        }
        return stored;
    }

    @Override
    public void verify(Collection<TopicPartition> assignment, Optional<Progress> stored) {
    }

    @Override
    public BaseCopyGate.State baseCopy() {
        return baseCopy;
    }

    /** The stored position: the last applied record and commit LSN. */
    void storedAt(long offset, long commitLsn) {
        stored = Optional.of(new Progress(new KafkaPosition(DebeziumStream.TOPIC, 0, offset), commitLsn, -1, -1, 0, 0, null));
    }

    @Override
    public ApplyTarget applier(CommitListener listener) {
        return new ApplyTarget() {
            @Override
            public void loadSnapshot(List<ChangeEvent> rows, KafkaPosition end) {
                failIfTold();
                throw new UnsupportedOperationException("no snapshot in these tests");
            }

            @Override
            public void applyGroup(List<SourceTransaction> group, KafkaPosition end) {
                failIfTold();
                SourceTransaction last = group.get(group.size() - 1);
                commit(group.stream().map(SourceTransaction::txId).toList(), end, last.commitLsn());
                listener.committed(end, group.size(), group.stream().mapToLong(tx -> tx.events().size()).sum(), last.commitLsn(),
                        last.commitTsMs());
            }

            @Override
            public void writePart(TransactionPart part) {
                failIfTold();
            }

            @Override
            public void commitStreamed(StreamedCommit end) {
                failIfTold();
                commit(List.of(end.txId()), end.last(), end.commitLsn());
                listener.committed(end.last(), 1, end.changes(), end.commitLsn(), end.commitTsMs());
            }

            @Override
            public void abortStreamed() {
            }
        };
    }

    private void failIfTold() {
        if (failNext || failAlways) {
            failNext = false;
            throw new ApplyException(ErrorKind.TRANSIENT, "transient target failure (08006): connection lost", null);
        }
    }

    private void commit(List<Long> transactions, KafkaPosition end, long commitLsn) {
        committed.addAll(transactions);
        storedAt(end.offset(), commitLsn);
        if (loseNextCommit) {
            loseNextCommit = false;
            throw new ApplyException(ErrorKind.TRANSIENT, "transient target failure (08006): connection lost during COMMIT", null);
        }
    }

    @Override
    public boolean connectionLost() {
        return connectionLost;
    }

    @Override
    public void discard() {
        discards++;
    }

    @Override
    public void close() {
    }
}
