package io.citus.warp.sink.metrics;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lag read at scrape time: it rises while nothing is applied, whatever the reason, and is 0 when nothing waits. */
@Tag("unit")
class StreamLagTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final StreamLag lag = new StreamLag(now::get);

    private void advance(long ms) {
        now.addAndGet(ms);
    }

    @Test
    void nothingReceivedNothingWaits() {
        assertEquals(0, lag.lagMs());
        assertEquals(0, lag.pendingRecords());
        advance(60_000);
        assertEquals(0, lag.lagMs());
    }

    @Test
    void risesWhileReceivedRecordsAreNotApplied() {
        // held for the base copy, failing or stuck: records in hand, none applied
        lag.received(10, now.get() - 500, 100);
        lag.received(11, now.get() - 400, 120);
        assertEquals(500, lag.lagMs());
        advance(30_000);
        assertEquals(30_500, lag.lagMs(), "rises with the clock although nothing happens");
        assertEquals(2, lag.pendingRecords());
    }

    @Test
    void fallsToTheOldestStillWaitingAndToZeroWhenAllApplied() {
        long t0 = now.get();
        lag.received(10, t0, 100);
        lag.received(11, t0 + 2_000, 200);
        lag.received(12, t0 + 4_000, 300);
        advance(5_000);
        assertEquals(5_000, lag.lagMs());
        lag.committed(200, t0 + 2_000);
        lag.applied(11);
        assertEquals(1_000, lag.lagMs(), "the oldest unapplied one is now offset 12");
        assertEquals(1, lag.pendingRecords());
        assertEquals(100, lag.lsnLagBytes());
        lag.committed(300, t0 + 4_000);
        lag.applied(12);
        assertEquals(0, lag.lagMs());
        assertEquals(0, lag.pendingRecords());
        assertEquals(0, lag.lsnLagBytes());
        assertEquals(t0 + 4_000, lag.lastAppliedSourceTimeMs());
        assertEquals(now.get(), lag.lastApplyAtMs());
    }

    @Test
    void recordsOfOneSourceSecondStayCountedAfterAPartialApply() {
        long t0 = 7_000_000;
        now.set(t0 + 100);
        for (long offset = 20; offset < 30; offset++) {
            lag.received(offset, t0 + offset, -1); // one mark for the whole second
        }
        lag.applied(24);
        advance(10_000);
        assertEquals(10_080, lag.lagMs(), "offsets 25..29 still wait, under the mark's time");
        assertEquals(5, lag.pendingRecords());
        lag.applied(29);
        assertEquals(0, lag.lagMs());
    }

    @Test
    void recordsDeliveredAgainAreNotCountedTwice() {
        lag.received(5, now.get(), -1);
        lag.received(6, now.get(), -1);
        lag.received(5, now.get() + 10_000, -1); // a retry delivers the same batch again
        lag.applied(6);
        assertEquals(0, lag.lagMs());
        assertEquals(0, lag.pendingRecords());
    }

    @Test
    void risesWhilePausedWhenKafkaHoldsRecordsTheTaskHasNotReceived() {
        long t0 = now.get();
        lag.received(40, t0 - 1_000, 500); // a heartbeat, applied
        lag.committed(500, t0 - 1_000);
        lag.applied(40);
        lag.topicEnd(41, 41);
        assertEquals(0, lag.lagMs(), "caught up: the topic ends right after the last applied record");
        // paused: the source writes, the task receives nothing
        advance(20_000);
        lag.topicEnd(45, 41);
        assertEquals(21_000, lag.lagMs(), "since the source time of the last applied record");
        assertEquals(4, lag.pendingRecords());
        advance(10_000);
        assertEquals(31_000, lag.lagMs());
    }

    @Test
    void heldBeforeAnythingWasAppliedCountsFromWhenRecordsWereFirstSeenWaiting() {
        lag.topicEnd(0, -1);
        assertEquals(0, lag.lagMs());
        lag.topicEnd(3, -1);
        advance(15_000);
        assertEquals(15_000, lag.lagMs());
        assertEquals(3, lag.pendingRecords());
    }

    @Test
    void theCommittedConsumerOffsetIsTheBaselineBeforeTheTaskAppliesAnything() {
        lag.topicEnd(100, 100);
        assertEquals(0, lag.pendingRecords(), "a restarted task whose group committed everything: nothing waits");
        assertEquals(0, lag.lagMs());
        lag.topicEnd(110, 100);
        assertEquals(10, lag.pendingRecords());
    }
}
