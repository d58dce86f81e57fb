package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Op;
import io.citus.warp.sink.event.PositionOnly;
import io.citus.warp.sink.event.SourcePosition;
import io.citus.warp.sink.event.TableId;
import io.citus.warp.sink.event.TransactionMarker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the ordered change stream, including Debezium's re-sends after a restart, becomes whole transactions. */
@Tag("unit")
class TransactionAssemblerTest {
    private static final TableId ORDERS = new TableId("public", "orders");
    private static final TableId CUSTOMERS = new TableId("public", "customers");
    private long offset;

    @Test
    void aTransactionIsHandedOnOnlyWhenItsEndArrives() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assertEquals(List.of(), assembler.accept(begin(700)));
        assertEquals(List.of(), assembler.accept(change(700, Op.CREATE, CUSTOMERS, 100)));
        assertEquals(List.of(), assembler.accept(change(700, Op.CREATE, ORDERS, 110)));
        List<WorkUnit> done = assembler.accept(end(700, 2, 120));
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class, done.get(0));
        assertEquals(700, tx.txId());
        assertEquals(120, tx.commitLsn());
        assertEquals(List.of(100L, 110L), lsns(tx));
        assertTrue(!assembler.inTransaction());
    }

    @Test
    void aSourceRestartInsideATransactionKeepsEarlierChangesAndReplacesResentOnes() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assembler.accept(begin(701));
        assembler.accept(change(701, Op.CREATE, ORDERS, 100));
        assembler.accept(change(701, Op.UPDATE, ORDERS, 110));
        assembler.accept(change(701, Op.DELETE, ORDERS, 120));
        // Debezium restarted with offset at LSN 100 committed: BEGIN again, then the changes after it.
        assembler.accept(begin(701));
        assembler.accept(change(701, Op.UPDATE, ORDERS, 110));
        assembler.accept(change(701, Op.DELETE, ORDERS, 120));
        assembler.accept(change(701, Op.CREATE, CUSTOMERS, 130));
        List<WorkUnit> done = assembler.accept(end(701, 3, 140)); // END counts the re-sent changes only
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class, done.get(0));
        assertEquals(List.of(100L, 110L, 120L, 130L), lsns(tx), "each change exactly once, in source order");
    }

    @Test
    void aTruncateOfSeveralTablesSharesOneLsnAndKeepsEveryTable() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assembler.accept(begin(702));
        assembler.accept(change(702, Op.TRUNCATE, ORDERS, 200));
        assembler.accept(change(702, Op.TRUNCATE, CUSTOMERS, 200));
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class, assembler.accept(end(702, 2, 210)).get(0));
        assertEquals(2, tx.events().size());
    }

    @Test
    void aMissingChangeIsRefusedRatherThanApplyingPartOfATransaction() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assembler.accept(begin(703));
        assembler.accept(change(703, Op.CREATE, ORDERS, 100));
        StreamOrderException e = assertThrows(StreamOrderException.class, () -> assembler.accept(end(703, 2, 120)));
        assertTrue(e.getMessage().contains("703") && e.getMessage().contains("partial transaction"), e.getMessage());
    }

    @Test
    void aChangeWithoutItsBeginIsRefused() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        StreamOrderException e = assertThrows(StreamOrderException.class, () -> assembler.accept(change(704, Op.CREATE, ORDERS, 100)));
        assertTrue(e.getMessage().contains("BEGIN"), e.getMessage());
    }

    @Test
    void snapshotRowsAndHeartbeatsOutsideTransactionsPassThrough() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assertInstanceOf(SnapshotRow.class, assembler.accept(snapshot(ORDERS)).get(0));
        assertInstanceOf(PositionAdvance.class, assembler.accept(new PositionOnly(next(), "heartbeat", 0)).get(0));
        assembler.accept(begin(705));
        assertEquals(List.of(), assembler.accept(new PositionOnly(next(), "heartbeat", 0)), "covered by the transaction");
    }

    @Test
    void withoutMarkersTheNextTransactionsChangeCompletesTheOpenOne() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.TXID);
        assembler.accept(change(710, Op.CREATE, ORDERS, 100, 50));
        assembler.accept(change(710, Op.UPDATE, ORDERS, 110, 50));
        List<WorkUnit> done = assembler.accept(change(711, Op.CREATE, ORDERS, 130, 120));
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class, done.get(0));
        assertEquals(710, tx.txId());
        assertEquals(120, tx.commitLsn(), "the next change's previous-commit LSN is this transaction's commit");
        assertEquals(2, tx.events().size());
    }

    private static List<Long> lsns(SourceTransaction tx) {
        List<Long> lsns = new ArrayList<>();
        tx.events().forEach(e -> lsns.add(e.source().lsn()));
        return lsns;
    }

    private KafkaPosition next() {
        return new KafkaPosition("t.changes", 0, offset++);
    }

    private TransactionMarker begin(long txId) {
        return new TransactionMarker(next(), true, txId, 0, 0, 1000);
    }

    private TransactionMarker end(long txId, long count, long commitLsn) {
        return new TransactionMarker(next(), false, txId, commitLsn, count, 1000);
    }

    private ChangeEvent change(long txId, Op op, TableId table, long lsn) {
        return change(txId, op, table, lsn, 10);
    }

    private ChangeEvent change(long txId, Op op, TableId table, long lsn, long previousCommit) {
        return new ChangeEvent(next(), op, table, List.of("id"), null, null, null,
                new SourcePosition(lsn, previousCommit, txId, 1000), null, txId, 0);
    }

    private ChangeEvent snapshot(TableId table) {
        return new ChangeEvent(next(), Op.READ, table, List.of("id"), null, null, null,
                new SourcePosition(90, -1, 600, 1000), "true", -1, 0);
    }
}
