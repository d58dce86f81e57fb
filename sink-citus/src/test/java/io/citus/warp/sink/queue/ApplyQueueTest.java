package io.citus.warp.sink.queue;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Op;
import io.citus.warp.sink.event.SourcePosition;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.txn.PositionAdvance;
import io.citus.warp.sink.txn.Rewind;
import io.citus.warp.sink.txn.SnapshotRow;
import io.citus.warp.sink.txn.SourceTransaction;
import io.citus.warp.sink.txn.StreamedCommit;
import io.citus.warp.sink.txn.TransactionPart;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which units the queue applies together, which it skips, and what it keeps after a failure. */
@Tag("unit")
class ApplyQueueTest {
    private static final TableName ORDERS = new TableName("public", "orders");
    private static final TableName ITEMS = new TableName("public", "items");

    /** Records what the queue asks of the target; can be told to fail the next call. */
    private static final class RecordingTarget implements ApplyTarget {
        final List<String> calls = new ArrayList<>();
        RuntimeException failNext;
        ApplyQueue queue;

        private void call(String call) {
            if (failNext != null) {
                RuntimeException e = failNext;
                failNext = null;
                throw e;
            }
            calls.add(call);
        }

        @Override
        public void loadSnapshot(List<ChangeEvent> rows, KafkaPosition end) {
            call("snapshot " + rows.get(0).table().table() + "@" + rows.get(0).source().lsn() + " x" + rows.size());
        }

        @Override
        public void applyGroup(List<SourceTransaction> group, KafkaPosition end) {
            call("group " + group.stream().map(tx -> String.valueOf(tx.txId())).toList() + " to " + end.offset());
            queue.applied(group.get(group.size() - 1).commitLsn());
        }

        @Override
        public void writePart(TransactionPart part) {
            call("part " + part.txId() + " x" + part.events().size());
        }

        @Override
        public void commitStreamed(StreamedCommit commit) {
            call("commit " + commit.txId());
            queue.applied(commit.commitLsn());
        }

        @Override
        public void abortStreamed() {
            calls.add("abort");
        }
    }

    private final RecordingTarget target = new RecordingTarget();
    private final List<Long> acknowledged = new ArrayList<>();
    private int duplicates;
    private long offset;
    private final ApplyQueue queue = new ApplyQueue(target, 5, new ApplyQueue.Listener() {
        @Override
        public void acknowledged(KafkaPosition position) {
            acknowledged.add(position.offset());
        }

        @Override
        public void duplicateSkipped() {
            duplicates++;
        }
    });

    ApplyQueueTest() {
        target.queue = queue;
    }

    @Test
    void consecutiveTransactionsAreGroupedUpToTheSizeLimitWithoutSplittingOne() {
        queue.add(tx(1, 100, 2));
        queue.add(tx(2, 110, 2));
        queue.add(tx(3, 120, 4)); // would exceed 5 changes: next group
        queue.add(tx(4, 130, 9)); // alone, larger than the limit
        queue.drain();
        assertEquals(List.of("group [1, 2] to 1", "group [3] to 2", "group [4] to 3"), target.calls);
    }

    @Test
    void aTransactionSentAgainIsSkippedEvenWhenBothCopiesAreQueued() {
        queue.add(tx(1, 100, 1));
        queue.add(tx(2, 110, 1));
        queue.add(tx(1, 100, 1)); // Debezium crashed and restarted from an older offset
        queue.add(tx(2, 110, 1));
        queue.add(tx(3, 120, 1));
        queue.drain();
        assertEquals(List.of("group [1, 2, 3] to 4"), target.calls);
        assertEquals(2, duplicates);
    }

    @Test
    void transactionsAtOrBelowTheAppliedCommitLsnAreSkipped() {
        queue.reset(110);
        queue.add(tx(1, 100, 1));
        queue.add(tx(2, 110, 1));
        queue.drain();
        assertEquals(List.of(), target.calls);
        assertEquals(List.of(0L, 1L), acknowledged);
    }

    @Test
    void snapshotRunsAreSplitByTableAndSnapshotLsn() {
        queue.add(row(ORDERS, 50));
        queue.add(row(ORDERS, 50));
        queue.add(row(ORDERS, 70)); // Debezium restarted mid-snapshot: a new snapshot of the same table
        queue.add(row(ORDERS, 70));
        queue.add(row(ITEMS, 70));
        queue.drain();
        assertEquals(List.of("snapshot orders@50 x2", "snapshot orders@70 x2", "snapshot items@70 x1"), target.calls);
    }

    @Test
    void aFailedGroupStaysQueuedAndIsRetriedAsItWas() {
        queue.add(tx(1, 100, 1));
        queue.add(tx(2, 110, 1));
        target.failNext = new IllegalStateException("connection lost");
        assertThrows(IllegalStateException.class, queue::drain);
        assertEquals(2, queue.size());
        queue.drain();
        assertEquals(List.of("group [1, 2] to 1"), target.calls);
        assertTrue(queue.isEmpty());
    }

    @Test
    void positionAdvancesAreAcknowledgedOnlyOnceEverythingBeforeThemIsApplied() {
        queue.add(tx(1, 100, 1));
        queue.add(new PositionAdvance(pos(), "heartbeat"));
        target.failNext = new IllegalStateException("down");
        assertThrows(IllegalStateException.class, queue::drain);
        assertEquals(List.of(), acknowledged);
        queue.drain();
        assertEquals(List.of("group [1] to 1"), target.calls, "the heartbeat's position ends the group");
    }

    @Test
    void partsGoIntoOneOpenTargetTransactionCommittedAtTheEnd() {
        KafkaPosition begin = pos();
        queue.add(tx(1, 100, 1));
        queue.add(new TransactionPart(2, begin, events(3), pos()));
        queue.add(new TransactionPart(2, begin, events(3), pos()));
        queue.add(new StreamedCommit(2, 200, 0, begin, events(1), 7, pos()));
        queue.drain();
        assertEquals(List.of("group [1] to 1", "part 2 x3", "part 2 x3", "commit 2"), target.calls);
    }

    @Test
    void losingTheOpenTargetTransactionAsksToReadTheStreamedTransactionAgain() {
        KafkaPosition begin = pos();
        queue.add(new TransactionPart(2, begin, events(3), pos()));
        queue.add(new TransactionPart(2, begin, events(3), pos()));
        queue.drain();
        queue.add(new StreamedCommit(2, 200, 0, begin, events(1), 7, pos()));
        queue.add(tx(3, 300, 1));
        target.failNext = new IllegalStateException("connection lost");
        assertThrows(IllegalStateException.class, queue::drain);
        assertEquals(Optional.of(begin), queue.takeRewind());
        assertTrue(queue.isEmpty(), "everything after the BEGIN is read again");
        assertTrue(target.calls.contains("abort"));
        // Read again: the same transactions are accepted, not taken for re-sends.
        queue.add(new TransactionPart(2, begin, events(3), pos()));
        queue.add(new StreamedCommit(2, 200, 0, begin, events(4), 7, pos()));
        queue.add(tx(3, 300, 1));
        queue.drain();
        assertEquals("commit 2", target.calls.get(target.calls.size() - 2));
    }

    @Test
    void aStreamedTransactionSentAgainIsRolledBackNotCommitted() {
        queue.add(tx(1, 200, 1));
        KafkaPosition begin = pos();
        queue.add(new TransactionPart(1, begin, events(3), pos()));
        queue.add(new StreamedCommit(1, 200, 0, begin, events(1), 4, pos()));
        queue.drain();
        assertEquals(List.of("group [1] to 0", "part 1 x3", "abort"), target.calls);
        assertEquals(1, duplicates);
    }

    @Test
    void aRewindRollsBackTheOpenTargetTransaction() {
        KafkaPosition begin = pos();
        queue.add(new TransactionPart(2, begin, events(3), pos()));
        queue.add(new Rewind(begin, "re-sent"));
        queue.drain();
        assertEquals(List.of("part 2 x3", "abort"), target.calls);
    }

    private KafkaPosition pos() {
        return new KafkaPosition("t.changes", 0, offset++);
    }

    private SourceTransaction tx(long txId, long commitLsn, int changes) {
        return new SourceTransaction(txId, commitLsn, 0, events(changes), pos());
    }

    private List<ChangeEvent> events(int n) {
        List<ChangeEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new ChangeEvent(new KafkaPosition("t.changes", 0, 0), Op.CREATE, ORDERS, List.of("id"), null, null,
                    null, new SourcePosition(1, 0, 1, 0), null, 1, 0));
        }
        return events;
    }

    private SnapshotRow row(TableName table, long snapshotLsn) {
        return new SnapshotRow(new ChangeEvent(pos(), Op.READ, table, List.of("id"), null, null, null,
                new SourcePosition(snapshotLsn, -1, -1, 0), "true", -1, 0));
    }
}
