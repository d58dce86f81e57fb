package io.citus.warp.sink.txn;

import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
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
 * <p>Debezium is at-least-once. When it restarts in the middle of a transaction it emits BEGIN again
 * and re-sends the changes after its last committed offset (numbered from 1 again, and END then counts
 * only those). Changes already received before the restart are kept; a re-sent change replaces its
 * earlier copy, recognised by its LSN (changes of one transaction have increasing LSNs; the per-table
 * records of one TRUNCATE share one). A transaction is handed on only when it is complete.
 */
public final class TransactionAssembler {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionAssembler.class);

    private final TransactionBoundaries boundaries;
    private Open open;

    public TransactionAssembler(TransactionBoundaries boundaries) {
        this.boundaries = boundaries;
    }

    private static final class Open {
        final long txId;
        final List<ChangeEvent> events = new ArrayList<>();
        /** Changes received since the last BEGIN: what END's event_count counts. */
        long sinceBegin;
        long lastLsn = -1;
        long commitTsMs = -1;

        Open(long txId) {
            this.txId = txId;
        }
    }

    /** Drops the transaction in progress (its records will be delivered again after a rewind). */
    public void reset() {
        open = null;
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
            if (open != null && open.txId == marker.txId()) {
                LOG.info("source transaction {} begins again after {} change(s) (the source connector restarted); "
                        + "keeping them and taking the re-sent ones", open.txId, open.events.size());
                open.sinceBegin = 0;
            } else {
                if (open != null) {
                    LOG.info("source transaction {} was not finished before transaction {} began (the source connector "
                            + "restarted from an earlier position); discarding its {} change(s), it will arrive again",
                            open.txId, marker.txId(), open.events.size());
                }
                open = new Open(marker.txId());
            }
            return;
        }
        // END
        if (open == null || open.txId != marker.txId()) {
            if (marker.eventCount() == 0) {
                done.add(new PositionAdvance(marker.kafka(), "empty transaction"));
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
        done.add(new SourceTransaction(open.txId, marker.lsn(), commitTs, List.copyOf(open.events), marker.kafka()));
        open = null;
    }

    private void acceptChange(ChangeEvent event, List<WorkUnit> done) {
        if (event.isSnapshotRead()) {
            if (open != null) {
                throw new StreamOrderException("snapshot row of " + event.table() + " at Kafka " + event.kafka()
                        + " arrived inside source transaction " + open.txId + "; incremental snapshots interleaved with "
                        + "transactions are not supported, use snapshot.mode=initial");
            }
            done.add(new SnapshotRow(event));
            return;
        }
        if (boundaries == TransactionBoundaries.MARKERS) {
            if (event.txId() < 0) {
                throw new StreamOrderException(event.describe() + " carries no transaction block. Set "
                        + "provide.transaction.metadata=true on the Debezium source, or transaction.boundaries=txid on the sink.");
            }
            if (open == null || open.txId != event.txId()) {
                throw new StreamOrderException(event.describe() + " belongs to source transaction " + event.txId()
                        + " but arrived without that transaction's BEGIN record. Route Debezium's <topic.prefix>.transaction "
                        + "topic into the sink's topic (see connectors/source-postgres.json), or set transaction.boundaries=txid.");
            }
            append(event);
            return;
        }
        // TXID boundaries: a change of another transaction completes the open one, if it truly follows it.
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
            open = new Open(txId);
        }
        append(event);
    }

    private void append(ChangeEvent event) {
        List<ChangeEvent> events = open.events;
        while (!events.isEmpty() && isResent(events.get(events.size() - 1), event)) {
            events.remove(events.size() - 1);
        }
        events.add(event);
        open.sinceBegin++;
        open.lastLsn = Math.max(open.lastLsn, event.source().lsn());
        if (open.commitTsMs < 0) {
            open.commitTsMs = event.source().commitTsMs();
        }
    }

    /** {@code earlier} is a copy of {@code event} or of a change after it, received before a source restart. */
    private static boolean isResent(ChangeEvent earlier, ChangeEvent event) {
        long a = earlier.source().lsn();
        long b = event.source().lsn();
        return a > b || (a == b && earlier.table().equals(event.table()) && earlier.op() == event.op());
    }

    /** Kafka position of the open transaction's first record, for diagnostics. */
    public KafkaPosition openSince() {
        return open == null || open.events.isEmpty() ? null : open.events.get(0).kafka();
    }
}
