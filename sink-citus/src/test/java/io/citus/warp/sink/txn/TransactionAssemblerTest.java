package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Op;
import io.citus.warp.sink.event.PositionOnly;
import io.citus.warp.sink.event.SourcePosition;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.event.LogicalMessage;
import io.citus.warp.sink.event.StreamElement;
import io.citus.warp.sink.event.TransactionMarker;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
    private static final TableName ORDERS = new TableName("public", "orders");
    private static final TableName CUSTOMERS = new TableName("public", "customers");
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

    @Test
    void changesSharingOneLsnAreAllKept() {
        // COPY and multi-row inserts log one WAL record per page: every row on it has the same LSN.
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assembler.accept(begin(720));
        for (int id = 1; id <= 500; id++) {
            assembler.accept(insert(720, ORDERS, 100 + (id / 100) * 10, id));
        }
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class, assembler.accept(end(720, 500, 200)).get(0));
        assertEquals(500, tx.events().size());
        assertEquals(ids(1, 500), ids(tx.events()));
    }

    /** A re-send after a Debezium restart in the middle of a transaction, cut at each possible change. */
    @ParameterizedTest(name = "first copy ends after change {0}, re-send starts at change {1}")
    @CsvSource({"6,1", "6,3", "6,4", "6,5", "6,6", "6,7", "3,2", "3,4", "9,6", "9,8", "9,10", "1,1", "1,2"})
    void aResendStartingMidTransactionReplacesExactlyTheResentChanges(int receivedBefore, int resendFrom) {
        // Ten changes; 4..8 share LSN 200 (one page of a COPY).
        List<Long> lsn = List.of(100L, 110L, 120L, 200L, 200L, 200L, 200L, 200L, 300L, 310L);
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assembler.accept(begin(721));
        for (int i = 1; i <= receivedBefore; i++) {
            assembler.accept(insert(721, ORDERS, lsn.get(i - 1), i));
        }
        assembler.accept(begin(721));
        for (int i = resendFrom; i <= 10; i++) {
            assembler.accept(insert(721, ORDERS, lsn.get(i - 1), i));
        }
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class,
                assembler.accept(end(721, 10 - resendFrom + 1, 400)).get(0));
        assertEquals(ids(1, 10), ids(tx.events()), "every change exactly once, in source order");
    }

    @Test
    void aResendAfterACopyThatEndedInsideAMultiRowRecordIsRefusedNotGuessed() {
        // Debezium 3.6 resumes after the last acknowledged change's whole WAL record: rows of that record received
        // neither before nor after the restart would be lost, and nothing in the stream says whether any are.
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assembler.accept(begin(740));
        assembler.accept(insert(740, ORDERS, 200, 1));
        assembler.accept(insert(740, ORDERS, 200, 2));
        assembler.accept(insert(740, ORDERS, 200, 3)); // a COPY page, perhaps not complete
        assembler.accept(begin(740));
        StreamOrderException e = assertThrows(StreamOrderException.class, () -> assembler.accept(insert(740, ORDERS, 300, 9)));
        assertTrue(e.getMessage().contains("740") && e.getMessage().contains("may have skipped"), e.getMessage());
    }

    @Test
    void aNewSnapshotAfterASourceCrashDiscardsTheUnfinishedTransaction() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 2, Long.MAX_VALUE);
        assembler.accept(begin(741));
        assembler.accept(insert(741, ORDERS, 100, 1));
        List<WorkUnit> out = new ArrayList<>(assembler.accept(insert(741, ORDERS, 110, 2))); // handed on as a part
        out.addAll(assembler.accept(snapshot(ORDERS)));
        assertInstanceOf(TransactionPart.class, out.get(0));
        assertInstanceOf(StreamAbort.class, out.get(1), "the part's open target transaction is rolled back");
        assertInstanceOf(SnapshotRow.class, out.get(2));
        assertTrue(!assembler.inTransaction());
    }

    @Test
    void aLargeTransactionIsHandedOnInPartsAndEndsWithItsCommit() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 4, Long.MAX_VALUE);
        List<WorkUnit> out = new ArrayList<>(assembler.accept(begin(722)));
        for (int id = 1; id <= 10; id++) {
            out.addAll(assembler.accept(insert(722, ORDERS, 100 + id, id)));
        }
        out.addAll(assembler.accept(end(722, 10, 500)));
        assertEquals(3, out.size());
        TransactionPart first = assertInstanceOf(TransactionPart.class, out.get(0));
        TransactionPart second = assertInstanceOf(TransactionPart.class, out.get(1));
        StreamedCommit end = assertInstanceOf(StreamedCommit.class, out.get(2));
        assertEquals(ids(1, 4), ids(first.events()));
        assertEquals(ids(5, 8), ids(second.events()));
        assertEquals(ids(9, 10), ids(end.events()));
        assertEquals(10, end.changes());
        assertEquals(500, end.commitLsn());
        assertEquals(first.begin(), end.begin(), "both name the transaction's BEGIN, where to read again from");
    }

    @Test
    void aTransactionOfLargeValuesIsHandedOnByBytesBeforeItsChangeCountIsReached() {
        // 3 MB per change, a 10 MB buffer: parts of four changes (the fourth reaches the limit), then the rest at END.
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 20_000, 10_000_000);
        List<WorkUnit> out = new ArrayList<>(assembler.accept(begin(740)));
        for (int id = 1; id <= 9; id++) {
            out.addAll(assembler.accept(insertWithBody(740, 100 + id, id, 3_000_000)));
        }
        out.addAll(assembler.accept(end(740, 9, 500)));
        assertEquals(3, out.size());
        assertEquals(ids(1, 4), ids(assertInstanceOf(TransactionPart.class, out.get(0)).events()));
        assertEquals(ids(5, 8), ids(assertInstanceOf(TransactionPart.class, out.get(1)).events()));
        StreamedCommit end = assertInstanceOf(StreamedCommit.class, out.get(2));
        assertEquals(ids(9, 9), ids(end.events()));
        assertEquals(9, end.changes());
    }

    @Test
    void oneChangeLargerThanTheByteBufferIsHandedOnAlone() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 20_000, 1_000_000);
        List<WorkUnit> out = new ArrayList<>(assembler.accept(begin(741)));
        out.addAll(assembler.accept(insert(741, ORDERS, 101, 1)));
        out.addAll(assembler.accept(insertWithBody(741, 102, 2, 60_000_000)));
        out.addAll(assembler.accept(insert(741, ORDERS, 103, 3)));
        out.addAll(assembler.accept(end(741, 3, 500)));
        assertEquals(ids(1, 2), ids(assertInstanceOf(TransactionPart.class, out.get(0)).events()));
        assertEquals(ids(3, 3), ids(assertInstanceOf(StreamedCommit.class, out.get(1)).events()));
    }

    @Test
    void smallChangesAreCountedNotWeighed() {
        // 10,000 narrow changes stay far below 64 MB: one SourceTransaction, as before.
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 20_000, 64L << 20);
        List<WorkUnit> out = new ArrayList<>(assembler.accept(begin(742)));
        for (int id = 1; id <= 10_000; id++) {
            out.addAll(assembler.accept(insert(742, ORDERS, 100 + id, id)));
        }
        out.addAll(assembler.accept(end(742, 10_000, 20_000)));
        assertEquals(1, out.size());
        assertEquals(10_000, assertInstanceOf(SourceTransaction.class, out.get(0)).events().size());
    }

    @Test
    void aResendIntoPartsAlreadyHandedOnRewindsAndTheSecondReadingCutsTheFirstCopy() {
        List<Long> lsn = List.of(100L, 110L, 200L, 200L, 200L, 200L, 300L, 310L);
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 3, Long.MAX_VALUE);
        // The stream as Kafka holds it: copy 1 (changes 1..5), BEGIN again, re-send of changes 4..8, END.
        List<StreamElementAt> topic = new ArrayList<>();
        topic.add(at(begin(723)));
        for (int i = 1; i <= 5; i++) {
            topic.add(at(insert(723, ORDERS, lsn.get(i - 1), i)));
        }
        topic.add(at(begin(723)));
        for (int i = 4; i <= 8; i++) {
            topic.add(at(insert(723, ORDERS, lsn.get(i - 1), i)));
        }
        topic.add(at(end(723, 5, 400)));

        List<WorkUnit> first = new ArrayList<>();
        int i = 0;
        Rewind rewind = null;
        for (; i < topic.size() && rewind == null; i++) {
            for (WorkUnit u : assembler.accept(topic.get(i).element())) {
                first.add(u);
                if (u instanceof Rewind r) {
                    rewind = r;
                }
            }
        }
        assertTrue(rewind != null, "the re-send reaches into the part already handed on: " + first);
        assertEquals(topic.get(0).element().kafka(), rewind.to());
        // Read again from the BEGIN, as the task does after seeking.
        List<ChangeEvent> applied = new ArrayList<>();
        StreamedCommit end = null;
        for (StreamElementAt record : topic) {
            for (WorkUnit u : assembler.accept(record.element())) {
                if (u instanceof TransactionPart part) {
                    applied.addAll(part.events());
                } else if (u instanceof StreamedCommit c) {
                    applied.addAll(c.events());
                    end = c;
                } else {
                    throw new AssertionError("unexpected " + u);
                }
            }
        }
        assertTrue(end != null);
        assertEquals(ids(1, 8), ids(applied), "each change once, in order, after the second reading");
        assertEquals(8, end.changes());
    }

    @Test
    void aResendAfterPartsButBeyondThemIsCutInMemory() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 2, Long.MAX_VALUE);
        List<WorkUnit> out = new ArrayList<>(assembler.accept(begin(724)));
        for (int i = 1; i <= 5; i++) {
            out.addAll(assembler.accept(insert(724, ORDERS, 100 + 10 * i, i)));
        }
        out.addAll(assembler.accept(begin(724)));
        for (int i = 5; i <= 6; i++) { // re-send from change 5, which was not handed on yet
            out.addAll(assembler.accept(insert(724, ORDERS, 100 + 10 * i, i)));
        }
        out.addAll(assembler.accept(end(724, 2, 400)));
        List<ChangeEvent> all = new ArrayList<>();
        for (WorkUnit u : out) {
            assertTrue(!(u instanceof Rewind), "no rewind needed: " + out);
            if (u instanceof TransactionPart p) {
                all.addAll(p.events());
            } else if (u instanceof StreamedCommit c) {
                all.addAll(c.events());
            }
        }
        assertEquals(ids(1, 6), ids(all));
    }

    @Test
    void aStreamedTransactionAbandonedForAnEarlierOneIsRolledBack() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS, 2, Long.MAX_VALUE);
        assembler.accept(begin(725));
        assembler.accept(insert(725, ORDERS, 100, 1));
        assembler.accept(insert(725, ORDERS, 101, 2));
        List<WorkUnit> out = assembler.accept(begin(724));
        assertInstanceOf(StreamAbort.class, out.get(0));
    }

    @Test
    void logicalDecodingMessagesAreNotTableData() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.MARKERS);
        assertInstanceOf(PositionAdvance.class, assembler.accept(new LogicalMessage(next(), -1, "outbox")).get(0));
        assembler.accept(begin(726));
        assembler.accept(insert(726, ORDERS, 100, 1));
        assertEquals(List.of(), assembler.accept(new LogicalMessage(next(), 726, "outbox")));
        assembler.accept(insert(726, ORDERS, 110, 2));
        // END's event_count counts the transactional message (Debezium 3.6).
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class, assembler.accept(end(726, 3, 200)).get(0));
        assertEquals(ids(1, 2), ids(tx.events()));
        assembler.accept(begin(727));
        assembler.accept(new LogicalMessage(next(), 727, "outbox"));
        SourceTransaction onlyMessage = assertInstanceOf(SourceTransaction.class, assembler.accept(end(727, 1, 210)).get(0));
        assertEquals(List.of(), onlyMessage.events());
    }

    @Test
    void withoutMarkersChangesSharingAnLsnAreKeptAndAResendIsCut() {
        TransactionAssembler assembler = new TransactionAssembler(TransactionBoundaries.TXID);
        for (int i = 1; i <= 4; i++) {
            assembler.accept(change(730, ORDERS, 100, i, 50));
        }
        for (int i = 3; i <= 6; i++) { // restarted: re-sends from change 3
            assembler.accept(change(730, ORDERS, 100, i, 50));
        }
        SourceTransaction tx = assertInstanceOf(SourceTransaction.class,
                assembler.accept(change(731, ORDERS, 300, 1, 200)).get(0));
        assertEquals(ids(1, 6), ids(tx.events()));
    }

    private record StreamElementAt(StreamElement element) {
    }

    private static StreamElementAt at(StreamElement element) {
        return new StreamElementAt(element);
    }

    private static final Schema ROW = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();

    private ChangeEvent insert(long txId, TableName table, long lsn, long id) {
        Struct after = new Struct(ROW).put("id", id);
        return new ChangeEvent(next(), Op.CREATE, table, List.of("id"), ROW, null, after,
                new SourcePosition(lsn, 10, txId, 1000), null, txId, 0);
    }

    private static final Schema DOC = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("body", Schema.STRING_SCHEMA).build();

    /** An insert into a table with a text body of {@code chars} characters. */
    private ChangeEvent insertWithBody(long txId, long lsn, long id, int chars) {
        Struct after = new Struct(DOC).put("id", id).put("body", "x".repeat(chars));
        return new ChangeEvent(next(), Op.CREATE, ORDERS, List.of("id"), DOC, null, after,
                new SourcePosition(lsn, 10, txId, 1000), null, txId, 0);
    }

    private ChangeEvent change(long txId, TableName table, long lsn, long id, long previousCommit) {
        Struct after = new Struct(ROW).put("id", id);
        return new ChangeEvent(next(), Op.CREATE, table, List.of("id"), ROW, null, after,
                new SourcePosition(lsn, previousCommit, txId, 1000), null, -1, 0);
    }

    private static List<Long> ids(int from, int to) {
        List<Long> ids = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            ids.add(i);
        }
        return ids;
    }

    private static List<Long> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.after().getInt64("id")).toList();
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

    private ChangeEvent change(long txId, Op op, TableName table, long lsn) {
        return change(txId, op, table, lsn, 10);
    }

    private ChangeEvent change(long txId, Op op, TableName table, long lsn, long previousCommit) {
        return new ChangeEvent(next(), op, table, List.of("id"), null, null, null,
                new SourcePosition(lsn, previousCommit, txId, 1000), null, txId, 0);
    }

    private ChangeEvent snapshot(TableName table) {
        return new ChangeEvent(next(), Op.READ, table, List.of("id"), null, null, null,
                new SourcePosition(90, -1, 600, 1000), "true", -1, 0);
    }
}
