package io.citus.warp.cutover;

import io.citus.warp.status.AppliedProof;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.CommittedPosition;
import io.citus.warp.status.MigrationStatus;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.Verdict;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

/** Waiting for the sink: until it has drained the topic, and until a given source position is proven applied. */
public final class CaughtUp {
    private CaughtUp() {
    }

    /**
     * Polls status until every snapshot is complete and the topic is drained (CAUGHT UP, or a sample with lag 0 while the
     * source keeps writing); throws on FAILED or timeout. Reports each status to {@code progress}.
     */
    public static MigrationStatus await(StatusProbe probe, Duration timeout, Duration interval, Consumer<MigrationStatus> progress)
            throws Exception {
        return await(probe, timeout, interval, 0, progress);
    }

    /** The same, content with at most {@code maxLag} records not yet applied. */
    public static MigrationStatus await(StatusProbe probe, Duration timeout, Duration interval, long maxLag,
                                        Consumer<MigrationStatus> progress) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MigrationStatus s = probe.probe();
            progress.accept(s);
            if (s.verdict() == Verdict.CAUGHT_UP || (s.verdict() == Verdict.CATCHING_UP && s.lag() != null && s.lag() <= maxLag)) {
                return s;
            }
            if (s.verdict() == Verdict.FAILED) {
                throw new IllegalStateException("a connector FAILED; see `warp status`");
            }
            if (s.verdict() == Verdict.NOT_CAPTURED) {
                throw new IllegalStateException("a migrated table's changes are not captured: " + String.join("; ", s.notes()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not caught up after " + timeout.toSeconds() + " s (verdict " + s.verdict().label() + ")");
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** How the final position was proven applied. */
    public record FinalPosition(String sourceLsn, String how) {
    }

    /**
     * Waits until everything committed on the source before {@code lsn} is applied on the target, proven by
     * {@link AppliedProof}: either the last captured transaction before lsn is the sink's last applied one, or Debezium
     * confirmed every captured transaction before lsn and every record the topic held afterwards is applied.
     */
    public static FinalPosition awaitApplied(StatusProbe probe, PgEndpoint source, MigrationNames names, String lsn, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing checked yet";
        while (true) {
            AppliedProof.Pending pending;
            try (Connection c = source.connect()) {
                pending = AppliedProof.check(c, names.slot(), names.publication(), lsn);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot prove that source position " + lsn + " is applied: reading replication slot "
                        + names.slot() + " through a temporary copy failed (" + e.getMessage() + "). The source user needs the"
                        + " REPLICATION attribute and one free replication slot (max_replication_slots).", e);
            }
            // Read after the check: the end offset below covers every record Debezium had confirmed.
            MigrationStatus s = probe.probe();
            if (s.verdict() == Verdict.FAILED) {
                throw new IllegalStateException("a connector FAILED before position " + lsn + " was applied; see `warp status`");
            }
            if (pending.noneUnconfirmed()) {
                if (s.endOffset() != null && s.appliedOffset() != null && s.appliedOffset() >= s.endOffset()) {
                    return new FinalPosition(lsn, "the slot confirmed " + pending.confirmed() + " with no captured transaction between it and "
                            + lsn + ", and every record of the topic up to offset " + s.endOffset() + " is applied");
                }
                last = "every captured transaction before " + lsn + " is in Kafka; applied " + s.appliedOffset() + " of " + s.endOffset();
            } else {
                Long applied = s.sink() == null ? null : s.sink().sourceTxid();
                if (applied != null && pending.lastXid().equals(Long.toString(applied))) {
                    return new FinalPosition(lsn, "the last captured source transaction before " + lsn + " (xid " + pending.lastXid()
                            + ") is the sink's last applied transaction");
                }
                last = "last captured transaction before " + lsn + " is xid " + pending.lastXid() + "; the sink's last applied is "
                        + (applied == null ? "none" : "xid " + applied);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("source position " + lsn + " was not applied within " + timeout.toSeconds() + " s ("
                        + last + ")");
            }
            Thread.sleep(500);
        }
    }

    /**
     * The source position to prove applied: after every commit acknowledged so far (asynchronous ones too) and already
     * flushed, so that decoding the slot up to it sees them all ({@link CommittedPosition}).
     */
    public static String currentLsn(PgEndpoint source) throws SQLException, InterruptedException {
        try (Connection c = source.connect()) {
            return CommittedPosition.read(c, FLUSH_WAIT);
        }
    }

    /** Longer than the WAL writer's longest delay (10 s) and its running-transactions records (15 s). */
    static final Duration FLUSH_WAIT = Duration.ofSeconds(30);
}
