package io.citus.warp.sink.queue;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.txn.SourceTransaction;
import io.citus.warp.sink.txn.StreamedCommit;
import io.citus.warp.sink.txn.TransactionPart;

import java.util.List;

/** What the {@link ApplyQueue} hands its units to: the target's appliers. */
public interface ApplyTarget {
    /** Bulk-loads snapshot rows of one table and one snapshot, with the position, in one target transaction. */
    void loadSnapshot(List<ChangeEvent> rows, KafkaPosition end);

    /** Applies whole source transactions in one target transaction (or one each, on the exact path). */
    void applyGroup(List<SourceTransaction> group, KafkaPosition end);

    /** Writes a part of a large source transaction into its open target transaction (opening it first). */
    void writePart(TransactionPart part);

    /** Writes the last part, the progress row, and commits the open target transaction. */
    void commitStreamed(StreamedCommit commit);

    /** Rolls back the open target transaction of a streamed source transaction, if any. */
    void abortStreamed();
}
