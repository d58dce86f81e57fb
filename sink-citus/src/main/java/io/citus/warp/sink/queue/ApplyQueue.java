package io.citus.warp.sink.queue;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.txn.PositionAdvance;
import io.citus.warp.sink.txn.Rewind;
import io.citus.warp.sink.txn.SnapshotRow;
import io.citus.warp.sink.txn.SourceTransaction;
import io.citus.warp.sink.txn.StreamAbort;
import io.citus.warp.sink.txn.StreamedCommit;
import io.citus.warp.sink.txn.TransactionPart;
import io.citus.warp.sink.txn.WorkUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The complete units of the stream not yet applied, in stream order, and the rules for applying them:
 * runs of snapshot rows of one table and one snapshot are bulk-loaded together; consecutive source
 * transactions are grouped into one target transaction up to a size limit; parts of a large transaction go
 * into its open target transaction.
 *
 * <p>Exactly once by commit LSN: a transaction whose commit LSN is not above every one applied or queued
 * before it was sent again by the source connector (after its own restart) and is skipped, even when both
 * copies sit in the queue at once. A unit leaves the queue only once applied, so a failed apply is retried
 * as it was; if the open target transaction of a streamed transaction is lost, the queue asks for the
 * stream to be read again from that transaction's BEGIN ({@link #takeRewind()}).
 */
public final class ApplyQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyQueue.class);

    /** What the queue reports back. */
    public interface Listener {
        /** Every record up to {@code position} is applied or needed nothing. */
        void acknowledged(KafkaPosition position);

        /** A source transaction arrived again and was skipped. */
        void duplicateSkipped();
    }

    private final ApplyTarget target;
    private final long groupMaxChanges;
    private final Listener listener;
    private final Deque<WorkUnit> units = new ArrayDeque<>();
    /** Commit LSN of the last source transaction committed on the target. */
    private long appliedCommitLsn = -1;
    /** Highest commit LSN among the transactions accepted into the queue. */
    private long queuedCommitLsn = -1;
    /** BEGIN of the streamed transaction whose target transaction is open, or null. */
    private KafkaPosition streaming;
    private KafkaPosition rewind;
    private long duplicatesInRun;

    public ApplyQueue(ApplyTarget target, long groupMaxChanges, Listener listener) {
        this.target = target;
        this.groupMaxChanges = groupMaxChanges;
        this.listener = listener;
    }

    /** Forgets everything queued (the stream is read again from the target's stored position). */
    public void reset(long appliedCommitLsn) {
        if (streaming != null) {
            target.abortStreamed();
            streaming = null;
        }
        units.clear();
        rewind = null;
        this.appliedCommitLsn = appliedCommitLsn;
        this.queuedCommitLsn = appliedCommitLsn;
    }

    /** A commit on the target (told by the appliers' commit listener). */
    public void applied(long commitLsn) {
        appliedCommitLsn = Math.max(appliedCommitLsn, commitLsn);
    }

    public long appliedCommitLsn() {
        return appliedCommitLsn;
    }

    public boolean isEmpty() {
        return units.isEmpty();
    }

    public int size() {
        return units.size();
    }

    public void add(WorkUnit unit) {
        if (unit instanceof SourceTransaction tx && isDuplicate(tx.commitLsn())) {
            skipped(tx.last());
        } else if (unit instanceof StreamedCommit end && isDuplicate(end.commitLsn())) {
            units.add(new StreamAbort(end.txId(), end.last(), "sent again"));
            skipped(end.last());
        } else {
            units.add(unit);
            if (unit instanceof SourceTransaction tx) {
                queuedCommitLsn = tx.commitLsn();
            } else if (unit instanceof StreamedCommit end) {
                queuedCommitLsn = end.commitLsn();
            }
        }
    }

    private boolean isDuplicate(long commitLsn) {
        return commitLsn <= Math.max(appliedCommitLsn, queuedCommitLsn);
    }

    private void skipped(KafkaPosition last) {
        units.add(new PositionAdvance(last, "source transaction sent again"));
        duplicatesInRun++;
        listener.duplicateSkipped();
    }

    /**
     * Drops the units up to {@code position}: after a lost connection the progress row showed they were committed
     * (a snapshot run has no commit LSN to recognise it by).
     */
    public void dropUpTo(KafkaPosition position) {
        while (!units.isEmpty() && units.peekFirst().last().offset() <= position.offset()
                && units.peekFirst().last().topic().equals(position.topic())) {
            units.pollFirst();
        }
    }

    /**
     * After a failure while a streamed transaction's target transaction was open: where to read the stream
     * again (that transaction's BEGIN). The queue is empty then.
     */
    public Optional<KafkaPosition> takeRewind() {
        KafkaPosition r = rewind;
        rewind = null;
        return Optional.ofNullable(r);
    }

    /** Applies every unit in order; on failure the unapplied units stay queued and the exception propagates. */
    public void drain() {
        while (!units.isEmpty()) {
            WorkUnit head = units.peekFirst();
            if (head instanceof PositionAdvance advance) {
                units.pollFirst();
                listener.acknowledged(advance.last());
            } else if (head instanceof SnapshotRow) {
                drainSnapshotRun();
            } else if (head instanceof SourceTransaction) {
                drainGroup();
            } else if (head instanceof TransactionPart part) {
                whileStreaming(part.begin(), () -> target.writePart(part));
                units.pollFirst();
            } else if (head instanceof StreamedCommit end) {
                if (end.commitLsn() <= appliedCommitLsn) {
                    abortStreamed();
                    units.pollFirst();
                    listener.acknowledged(end.last());
                    listener.duplicateSkipped();
                } else {
                    whileStreaming(end.begin(), () -> target.commitStreamed(end));
                    streaming = null;
                    units.pollFirst();
                }
            } else if (head instanceof StreamAbort || head instanceof Rewind) {
                // The stream goes back; the transaction's records arrive again.
                abortStreamed();
                units.pollFirst();
            }
        }
    }

    private void abortStreamed() {
        target.abortStreamed();
        streaming = null;
    }

    private void whileStreaming(KafkaPosition begin, Runnable write) {
        streaming = begin;
        try {
            write.run();
        } catch (RuntimeException e) {
            // The open target transaction is gone with the parts written so far: read them again.
            abortStreamed();
            units.clear();
            queuedCommitLsn = appliedCommitLsn;
            rewind = begin;
            throw e;
        }
    }

    /** Snapshot rows of one table from one snapshot (a new snapshot LSN starts a new run). */
    private void drainSnapshotRun() {
        ChangeEvent first = ((SnapshotRow) units.peekFirst()).event();
        List<ChangeEvent> rows = new ArrayList<>();
        for (WorkUnit unit : units) {
            if (!(unit instanceof SnapshotRow row) || !row.event().table().equals(first.table())
                    || row.event().source().lsn() != first.source().lsn()) {
                break;
            }
            rows.add(row.event());
        }
        target.loadSnapshot(rows, rows.get(rows.size() - 1).kafka());
        for (int i = 0; i < rows.size(); i++) {
            units.pollFirst();
        }
    }

    private void drainGroup() {
        List<SourceTransaction> group = new ArrayList<>();
        long changes = 0;
        int taken = 0;
        KafkaPosition end = null;
        for (Iterator<WorkUnit> it = units.iterator(); it.hasNext(); ) {
            WorkUnit unit = it.next();
            if (unit instanceof SourceTransaction tx) {
                if (tx.commitLsn() <= appliedCommitLsn) {
                    // Applied before a lost connection (the progress row said so after reconnecting).
                    duplicatesInRun++;
                    listener.duplicateSkipped();
                } else {
                    if (!group.isEmpty() && changes + tx.events().size() > groupMaxChanges) {
                        break;
                    }
                    group.add(tx);
                    changes += tx.events().size();
                }
            } else if (!(unit instanceof PositionAdvance)) {
                break;
            }
            end = unit.last();
            taken++;
        }
        if (duplicatesInRun > 0 && !group.isEmpty()) {
            LOG.info("skipped {} source transaction(s) already applied or queued (commit LSN up to {}); the source "
                    + "connector sent them again", duplicatesInRun, Lsn.format(Math.max(appliedCommitLsn, 0)));
            duplicatesInRun = 0;
        }
        if (!group.isEmpty()) {
            target.applyGroup(group, end);
        }
        for (int i = 0; i < taken; i++) {
            units.pollFirst();
        }
        if (group.isEmpty() && end != null) {
            listener.acknowledged(end);
        }
    }
}
