package io.citus.warp.sink.apply;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.queue.ApplyTarget;
import io.citus.warp.sink.txn.SourceTransaction;
import io.citus.warp.sink.txn.StreamedCommit;
import io.citus.warp.sink.txn.TransactionPart;

import java.util.List;

/** The target side of the apply queue: snapshot loads, group commits and streamed transactions on one session. */
public final class TargetApplier implements ApplyTarget {
    private final SnapshotLoader snapshots;
    private final GroupApplier groups;
    private final StreamedTransaction streamed;

    /**
     * @param schemaChanges          makes captured schema changes at their place in their transaction
     * @param truncateNonEmptyTarget a first snapshot load into a non-empty target table empties it (else refuses) */
    public TargetApplier(TargetSession session, RowEncoder encoder, SchemaChangeApplier schemaChanges, ProgressStore progress,
                         CommitListener listener, boolean truncateNonEmptyTarget) {
        this.snapshots = new SnapshotLoader(session, encoder, progress, listener, truncateNonEmptyTarget);
        this.groups = new GroupApplier(session, encoder, schemaChanges, progress, listener);
        this.streamed = new StreamedTransaction(session, encoder, schemaChanges, progress, listener);
    }

    @Override
    public void loadSnapshot(List<ChangeEvent> rows, KafkaPosition end) {
        snapshots.apply(rows, end);
    }

    @Override
    public void applyGroup(List<SourceTransaction> group, KafkaPosition end) {
        groups.apply(group, end);
    }

    @Override
    public void writePart(TransactionPart part) {
        streamed.write(part);
    }

    @Override
    public void commitStreamed(StreamedCommit commit) {
        streamed.commit(commit);
    }

    @Override
    public void abortStreamed() {
        streamed.abort();
    }
}
