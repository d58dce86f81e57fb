package io.citus.warp.sink.metrics;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * How far the target is behind the source, computed when it is read (a scrape), not when a transaction is applied:
 * a lag that only moved on each commit would freeze at its last value while the sink is stuck, held for the base copy,
 * paused or failing, and an alert on it would never fire when it should.
 *
 * <ul>
 *   <li>Records received and not applied yet (held, buffered, queued, failing): now minus the source commit time of
 *   the oldest of them.</li>
 *   <li>None in hand, but the topic holds records after the last applied one (the task is paused, or its consumer is
 *   held; known from {@link #topicEnd}): now minus the source time of the last applied record (Debezium's heartbeats
 *   keep that recent on an idle source), or, when none was applied yet, since the records were first seen waiting.</li>
 *   <li>Nothing waits: 0.</li>
 * </ul>
 *
 * <p>The received records are kept as (Kafka offset, source time) marks, one per second of source time, so memory stays
 * small however many records are held. Offsets are the records' original Kafka offsets, the ones the sink commits.
 * Thread-safe: the task thread writes, the metrics reporter reads.
 */
public final class StreamLag {
    private final LongSupplier clock;
    /** Received, unapplied records: {offset of the first record of a source-time second, its source time in ms}. */
    private final ArrayDeque<long[]> unapplied = new ArrayDeque<>();
    private long lastReceivedOffset = -1;
    private long appliedOffset = -1;
    private long lastAppliedSourceTimeMs = -1;
    private long lastReceivedLsn = -1;
    private long lastAppliedCommitLsn = -1;
    private long lastApplyAtMs = -1;
    /** The topic's end (the offset the next record will get) and the group's committed offset, as last probed; -1 unknown. */
    private long topicEndOffset = -1;
    private long committedOffset = -1;
    private long waitingSeenAtMs = -1;

    public StreamLag(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * A record reached the task (again, after a retry or rewind, is ignored).
     *
     * @param sourceTimeMs its source commit time (Debezium's {@code ts_ms}), or its Kafka timestamp when it has none
     * @param lsn          its source LSN, or -1
     */
    public synchronized void received(long offset, long sourceTimeMs, long lsn) {
        if (offset <= lastReceivedOffset) {
            return;
        }
        if (appliedOffset < 0 && lastReceivedOffset < 0) {
            // The first record after the task positioned itself follows the last one applied.
            appliedOffset = offset - 1;
        }
        lastReceivedOffset = offset;
        if (lsn > lastReceivedLsn) {
            lastReceivedLsn = lsn;
        }
        if (offset <= appliedOffset) {
            return;
        }
        long[] newest = unapplied.peekLast();
        if (newest == null || Math.floorDiv(sourceTimeMs, 1000) > Math.floorDiv(newest[1], 1000)) {
            unapplied.addLast(new long[] {offset, sourceTimeMs});
        }
    }

    /** Every record up to this offset is applied on the target (or carried nothing to apply). */
    public synchronized void applied(long offset) {
        if (offset <= appliedOffset) {
            return;
        }
        appliedOffset = offset;
        while (!unapplied.isEmpty() && unapplied.peekFirst()[0] <= offset) {
            long[] oldest = unapplied.pollFirst();
            lastAppliedSourceTimeMs = Math.max(lastAppliedSourceTimeMs, oldest[1]);
            long nextMark = unapplied.isEmpty() ? lastReceivedOffset + 1 : unapplied.peekFirst()[0];
            if (offset + 1 < nextMark) {
                // Records of the same source second after this offset are still waiting.
                unapplied.addFirst(new long[] {offset + 1, oldest[1]});
                break;
            }
        }
    }

    /** A target transaction committed source transactions up to this commit LSN and time. */
    public synchronized void committed(long commitLsn, long commitTimeMs) {
        lastApplyAtMs = clock.getAsLong();
        if (commitLsn > lastAppliedCommitLsn) {
            lastAppliedCommitLsn = commitLsn;
        }
        if (commitTimeMs > lastAppliedSourceTimeMs) {
            lastAppliedSourceTimeMs = commitTimeMs;
        }
    }

    /**
     * What Kafka said last: the topic's end offset (the next record's offset) and the sink's committed consumer offset
     * (-1 unknown). Records between the last applied one and the end wait, whether the task has received them or not.
     */
    public synchronized void topicEnd(long endOffset, long committed) {
        topicEndOffset = endOffset;
        committedOffset = committed;
        if (waitingInTopic()) {
            if (waitingSeenAtMs < 0) {
                waitingSeenAtMs = clock.getAsLong();
            }
        } else {
            waitingSeenAtMs = -1;
        }
    }

    private long appliedBaseline() {
        return Math.max(appliedOffset, committedOffset - 1);
    }

    /** Records in the topic after the last applied one that the task has not received (the probe knows of them). */
    private boolean waitingInTopic() {
        return topicEndOffset > 0 && topicEndOffset - 1 > Math.max(lastReceivedOffset, appliedBaseline());
    }

    /** Milliseconds the target is behind the source now (see the class comment); 0 when nothing waits. */
    public synchronized long lagMs() {
        long now = clock.getAsLong();
        if (!unapplied.isEmpty()) {
            return Math.max(0, now - unapplied.peekFirst()[1]);
        }
        if (waitingInTopic()) {
            long since = lastAppliedSourceTimeMs >= 0 ? lastAppliedSourceTimeMs : waitingSeenAtMs;
            return since < 0 ? 0 : Math.max(0, now - since);
        }
        return 0;
    }

    /** Records after the last applied one: received and waiting in the task, or still only in the topic. */
    public synchronized long pendingRecords() {
        long last = Math.max(lastReceivedOffset, topicEndOffset - 1);
        return last < 0 ? 0 : Math.max(0, last - appliedBaseline());
    }

    /** WAL bytes between the newest source LSN received and the last applied commit LSN; 0 when nothing received waits. */
    public synchronized long lsnLagBytes() {
        if (unapplied.isEmpty() || lastReceivedLsn < 0 || lastAppliedCommitLsn < 0) {
            return 0;
        }
        return Math.max(0, lastReceivedLsn - lastAppliedCommitLsn);
    }

    public synchronized long lastAppliedCommitLsn() {
        return lastAppliedCommitLsn;
    }

    public synchronized long lastAppliedSourceTimeMs() {
        return lastAppliedSourceTimeMs;
    }

    /** Wall-clock time of the last target commit of streamed transactions; -1 before the first. */
    public synchronized long lastApplyAtMs() {
        return lastApplyAtMs;
    }
}
