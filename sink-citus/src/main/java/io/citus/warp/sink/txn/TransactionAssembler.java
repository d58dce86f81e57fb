package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.EventSize;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.LogicalMessage;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.event.PositionOnly;
import io.citus.warp.sink.event.StreamElement;
import io.citus.warp.sink.event.TransactionMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Reassembles source transactions from the ordered change stream.
 *
 * <p>A change's place in its transaction is its position after BEGIN: changes are kept in arrival order,
 * never merged by LSN (many changes of one transaction share an LSN: COPY, multi-row inserts).
 *
 * <p>Debezium is at-least-once. When it restarts in the middle of a transaction it emits BEGIN again and
 * re-sends a suffix of the transaction's changes (END then counts only those). The earlier copy is cut
 * where the re-send starts ({@link ResendCuts}). Whole transactions sent again (the source restarted from
 * an older position) are recognised later by their commit LSN ({@code ApplyQueue}).
 *
 * <p>Memory is bounded: once an open transaction holds {@code maxBufferedChanges} changes, or changes of about
 * {@code maxBufferedBytes} ({@link EventSize}: a few changes can hold tens of megabytes each), they are handed
 * on as a {@link TransactionPart} (written into a target transaction that stays open until END). If a
 * re-send then reaches back into changes already handed on, a {@link Rewind} asks for the transaction to be
 * read again from its first BEGIN, with the cut applied this time.
 */
public final class TransactionAssembler {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionAssembler.class);

    private final TransactionBoundaries boundaries;
    private final int maxBufferedChanges;
    private final long maxBufferedBytes;
    private final ResendCuts resends = new ResendCuts();
    private Open open;

    public TransactionAssembler(TransactionBoundaries boundaries) {
        this(boundaries, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * @param maxBufferedChanges changes of one open transaction held before they are handed on (markers mode)
     * @param maxBufferedBytes   about this many bytes of changes ({@link EventSize}) held before they are handed on
     */
    public TransactionAssembler(TransactionBoundaries boundaries, int maxBufferedChanges, long maxBufferedBytes) {
        this.boundaries = boundaries;
        this.maxBufferedChanges = maxBufferedChanges;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    private static final class Open {
        final long txId;
        final KafkaPosition begin;
        /** Changes not handed on yet, in source order. */
        final List<ChangeEvent> events = new ArrayList<>();
        /** {@link EventSize} of {@link #events}. */
        long bytes;
        /** Changes received since the last BEGIN: what END's event_count counts. */
        long sinceBegin;
        /** Changes handed on as parts. */
        long streamed;
        long lastStreamedLsn = -1;
        long lastLsn = -1;
        /** Changes received in a row at {@code lastLsn}: more than one means one WAL record holds several rows. */
        int lastLsnRun;
        long commitTsMs = -1;
        /** A BEGIN of this transaction arrived again; its first change tells where the re-send starts. */
        KafkaPosition resentFrom;

        Open(long txId, KafkaPosition begin) {
            this.txId = txId;
            this.begin = begin;
        }

        long changes() {
            return streamed + events.size();
        }
    }

    /** Drops the transaction in progress (its records will be delivered again after a rewind). */
    public void reset() {
        open = null;
        resends.clear();
    }

    /** True while a transaction has begun but is not complete. */
    public boolean inTransaction() {
        return open != null;
    }

    /** Feeds the next element of the stream; returns the units it completes, in order. */
    public List<WorkUnit> accept(StreamElement element) {
        List<WorkUnit> done = new ArrayList<>(2);
        if (element instanceof TransactionMarker marker) {
            acceptMarker(marker, done);
        } else if (element instanceof ChangeEvent event) {
            acceptChange(event, done);
        } else if (element instanceof LogicalMessage message) {
            // Not table data. A transactional message arrives inside its transaction and END's event_count counts
            // it (observed with Debezium 3.6); a non-transactional one arrives outside any BEGIN..END.
            if (open == null) {
                done.add(new PositionAdvance(message.kafka(), "logical decoding message"));
            } else if (boundaries == TransactionBoundaries.MARKERS) {
                open.sinceBegin++;
            }
        } else if (element instanceof PositionOnly position && open == null) {
            // Inside a transaction a tombstone or heartbeat is covered by the transaction's own position.
            done.add(new PositionAdvance(position.kafka(), position.kind()));
        }
        return done;
    }

    private void acceptMarker(TransactionMarker marker, List<WorkUnit> done) {
        if (boundaries == TransactionBoundaries.TXID) {
            // Markers are not relied upon in this mode; they only move the position.
            if (open == null) {
                done.add(new PositionAdvance(marker.kafka(), "transaction marker"));
            }
            return;
        }
        if (marker.begin()) {
            begin(marker, done);
            return;
        }
        end(marker, done);
    }

    private void begin(TransactionMarker marker, List<WorkUnit> done) {
        if (open != null && open.txId == marker.txId()) {
            open.sinceBegin = 0;
            resends.newCopy();
            if (!resends.knows(open.txId, marker.kafka().offset())) {
                LOG.info("source transaction {} begins again after {} change(s) (the source connector restarted); "
                        + "the changes it sends again replace their earlier copies", open.txId, open.changes());
                open.resentFrom = marker.kafka();
            }
            return;
        }
        if (open != null) {
            LOG.info("source transaction {} was not finished before transaction {} began (the source connector "
                    + "restarted from an earlier position); discarding its {} change(s), it will arrive again",
                    open.txId, marker.txId(), open.changes());
            if (open.streamed > 0) {
                done.add(new StreamAbort(open.txId, marker.kafka(), "the source connector restarted from an earlier position"));
            }
        }
        if (!resends.isFor(marker.txId())) {
            resends.clear();
        }
        resends.newCopy();
        open = new Open(marker.txId(), marker.kafka());
    }

    private void end(TransactionMarker marker, List<WorkUnit> done) {
        if (open == null || open.txId != marker.txId()) {
            if (marker.eventCount() == 0) {
                done.add(new PositionAdvance(marker.kafka(), "empty transaction"));
                if (open != null && open.streamed > 0) {
                    done.add(new StreamAbort(open.txId, marker.kafka(), "another transaction ended"));
                }
                open = null;
                return;
            }
            throw new StreamOrderException("END of source transaction " + marker.txId() + " (commit LSN "
                    + Lsn.format(marker.lsn()) + ", Kafka " + marker.kafka() + ") announces " + marker.eventCount()
                    + " change(s), but " + (open == null ? "no BEGIN" : "the changes of transaction " + open.txId)
                    + " preceded it. Records were dropped or reordered between Debezium and the sink (a filtering transform, "
                    + "errors.tolerance=all on the source, or a topic with several partitions); the sink refuses to apply a "
                    + "partial transaction.");
        }
        if (open.sinceBegin != marker.eventCount()) {
            throw new StreamOrderException("source transaction " + marker.txId() + " (commit LSN " + Lsn.format(marker.lsn())
                    + ", Kafka " + marker.kafka() + ") has " + marker.eventCount() + " change(s) according to its END record, but "
                    + open.sinceBegin + " reached the sink. Changes were dropped between Debezium and the sink (a filtering "
                    + "transform, or errors.tolerance=all on the source); the sink refuses to apply a partial transaction.");
        }
        long commitTs = marker.tsMs() >= 0 ? marker.tsMs() : open.commitTsMs;
        if (open.streamed > 0) {
            done.add(new StreamedCommit(open.txId, marker.lsn(), commitTs, open.begin, List.copyOf(open.events),
                    open.changes(), marker.kafka()));
        } else {
            done.add(new SourceTransaction(open.txId, marker.lsn(), commitTs, List.copyOf(open.events), marker.kafka()));
        }
        resends.clear();
        open = null;
    }

    private void acceptChange(ChangeEvent event, List<WorkUnit> done) {
        if (event.isSnapshotRead()) {
            if (open != null) {
                if ("incremental".equals(event.snapshot())) {
                    throw new StreamOrderException("snapshot row of " + event.table() + " at Kafka " + event.kafka()
                            + " arrived inside source transaction " + open.txId + "; incremental snapshots interleaved with "
                            + "transactions are not supported, use snapshot.mode=initial");
                }
                // The source connector died in the middle of sending this transaction and snapshots again (its
                // snapshot was not recorded as done): the transaction is in the new snapshot or is streamed after it.
                LOG.info("source transaction {} was not finished before a new snapshot began (the source connector "
                        + "restarted); discarding its {} change(s)", open.txId, open.changes());
                if (open.streamed > 0) {
                    done.add(new StreamAbort(open.txId, event.kafka(), "the source connector snapshots again"));
                }
                open = null;
                resends.clear();
            }
            done.add(new SnapshotRow(event));
            return;
        }
        if (boundaries == TransactionBoundaries.MARKERS) {
            acceptMarkedChange(event, done);
        } else {
            acceptTxidChange(event, done);
        }
    }

    private void acceptMarkedChange(ChangeEvent event, List<WorkUnit> done) {
        if (event.txId() < 0) {
            throw new StreamOrderException(event.describe() + " carries no transaction block. Set "
                    + "provide.transaction.metadata=true on the Debezium source, or transaction.boundaries=txid on the sink.");
        }
        if (open == null || open.txId != event.txId()) {
            throw new StreamOrderException(event.describe() + " belongs to source transaction " + event.txId()
                    + " but arrived without that transaction's BEGIN record. Route Debezium's <topic.prefix>.transaction "
                    + "topic into the sink's topic (see connectors/config/source-postgres.json), or set transaction.boundaries=txid.");
        }
        open.sinceBegin++;
        if (open.resentFrom != null) {
            KafkaPosition rebegin = open.resentFrom;
            open.resentFrom = null;
            if (event.source().lsn() > open.lastLsn && open.lastLsnRun > 1) {
                throw new StreamOrderException("source transaction " + open.txId + " was re-sent by the source connector "
                        + "after a restart (Kafka " + rebegin + "), starting after LSN " + Lsn.format(open.lastLsn) + ", where "
                        + "the copy received before ended inside one WAL record holding several rows (a COPY or multi-row "
                        + "insert into " + event.table() + "). Debezium 3.6 resumes after such a record as a whole and may have "
                        + "skipped its remaining rows (DBZ-1554), so the transaction cannot be known complete: nothing of it is "
                        + "applied. Re-snapshot the migration (warp finish, empty the target, warp start), or use a Debezium "
                        + "release with the fix.");
            }
            if (open.streamed > 0 && event.source().lsn() <= open.lastStreamedLsn) {
                // The re-send reaches into changes already written: read the transaction again, cutting there.
                resends.add(open.txId, rebegin.offset(), event);
                done.add(new Rewind(open.begin, "source transaction " + open.txId + " was re-sent from a change already "
                        + "written to the open target transaction"));
                open = null;
                return;
            }
            truncate(ResendCuts.cutIndex(open.events, event));
        } else if (resends.isFor(open.txId) && resends.drops(event)) {
            return; // an earlier copy's change, superseded by a later re-send
        }
        append(event);
        if (open.events.size() >= maxBufferedChanges || open.bytes >= maxBufferedBytes) {
            handOn(done);
        }
    }

    /** TXID boundaries: a change of another transaction completes the open one, if it truly follows it. */
    private void acceptTxidChange(ChangeEvent event, List<WorkUnit> done) {
        long txId = event.source().txId();
        if (open != null && open.txId != txId) {
            long commitOfOpen = event.source().previousCommitLsn();
            if (commitOfOpen > open.lastLsn) {
                done.add(new SourceTransaction(open.txId, commitOfOpen, open.commitTsMs, List.copyOf(open.events),
                        open.events.get(open.events.size() - 1).kafka()));
            } else {
                LOG.info("stream went back from source transaction {} to transaction {} (the source connector restarted); "
                        + "discarding {} change(s) of the unfinished transaction", open.txId, txId, open.events.size());
            }
            open = null;
        }
        if (open == null) {
            open = new Open(txId, event.kafka());
        } else if (goesBack(event)) {
            // Without BEGIN records a re-send shows only as a change at or before one already received.
            truncate(ResendCuts.cutIndex(open.events, event));
        }
        append(event);
    }

    private boolean goesBack(ChangeEvent event) {
        long lsn = event.source().lsn();
        if (lsn < open.lastLsn) {
            return true;
        }
        if (lsn > open.lastLsn) {
            return false;
        }
        for (int i = open.events.size() - 1; i >= 0 && open.events.get(i).source().lsn() == lsn; i--) {
            if (ResendCuts.sameChange(open.events.get(i), event)) {
                return true;
            }
        }
        return false;
    }

    private void truncate(int from) {
        List<ChangeEvent> events = open.events;
        if (from < events.size()) {
            events.subList(from, events.size()).clear();
            open.bytes = events.stream().mapToLong(EventSize::of).sum();
            open.lastLsn = events.isEmpty() ? open.lastStreamedLsn : events.get(events.size() - 1).source().lsn();
            int run = 0;
            for (int i = events.size() - 1; i >= 0 && events.get(i).source().lsn() == open.lastLsn; i--) {
                run++;
            }
            open.lastLsnRun = run;
        }
    }

    private void append(ChangeEvent event) {
        open.events.add(event);
        open.bytes += EventSize.of(event);
        open.lastLsnRun = event.source().lsn() == open.lastLsn ? open.lastLsnRun + 1 : 1;
        open.lastLsn = Math.max(open.lastLsn, event.source().lsn());
        if (open.commitTsMs < 0) {
            open.commitTsMs = event.source().commitTsMs();
        }
    }

    private void handOn(List<WorkUnit> done) {
        List<ChangeEvent> part = List.copyOf(open.events);
        open.events.clear();
        open.bytes = 0;
        open.streamed += part.size();
        open.lastStreamedLsn = Math.max(open.lastStreamedLsn, part.get(part.size() - 1).source().lsn());
        done.add(new TransactionPart(open.txId, open.begin, part, part.get(part.size() - 1).kafka()));
    }

    /** Kafka position of the open transaction's first record, for diagnostics. */
    public KafkaPosition openSince() {
        return open == null ? null : open.begin;
    }
}
