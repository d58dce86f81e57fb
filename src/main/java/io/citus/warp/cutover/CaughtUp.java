package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.status.MigrationStatus;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.Verdict;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.function.Consumer;

/** Waiting for the sink: until CAUGHT UP, and until a given source position is known to be applied. */
public final class CaughtUp {
    private CaughtUp() {
    }

    /** Polls status until CAUGHT UP; throws on FAILED or timeout. Reports each status to {@code progress}. */
    public static MigrationStatus await(StatusProbe probe, Duration timeout, Duration interval, Consumer<MigrationStatus> progress)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MigrationStatus s = probe.probe();
            progress.accept(s);
            if (s.verdict() == Verdict.CAUGHT_UP) {
                return s;
            }
            if (s.verdict() == Verdict.FAILED) {
                throw new IllegalStateException("a connector FAILED; see `warp status`");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not caught up after " + timeout.toSeconds() + " s (verdict " + s.verdict().label() + ")");
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** How the final position was established. */
    public record FinalPosition(String sourceLsn, String how) {
    }

    /**
     * After writes stopped at {@code lsn} (pg_current_wal_lsn() once no transaction was in flight), waits until
     * everything up to it is applied: the topic is fully applied and either the sink's last commit LSN or the
     * slot's confirmed flush position has reached lsn (proof that Debezium read past it), or, on a source with no
     * captured change after the last applied one, the topic stayed fully applied with no new transaction for {@code settle}.
     */
    public static FinalPosition awaitPosition(StatusProbe probe, PgEndpoint source, String lsn, Duration timeout, Duration settle,
                                              PrintWriter out) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        Long lastApplied = null;
        while (System.nanoTime() < deadline) {
            MigrationStatus s = probe.probe();
            if (s.verdict() == Verdict.FAILED) {
                throw new IllegalStateException("a connector FAILED; see `warp status`");
            }
            Long applied = s.sink() == null ? null : s.sink().transactions();
            if (!java.util.Objects.equals(lastApplied, applied)) {
                quietSince = System.nanoTime();
                lastApplied = applied;
            }
            // Heartbeat records pass through the topic every few seconds: "drained" is sampled, not required throughout.
            boolean drained = s.lag() != null && s.lag() == 0;
            if (drained) {
                try (Connection c = source.connect()) {
                    if (s.sink() != null && s.sink().commitLsn() != null
                            && "t".equals(Sql.one(c, "SELECT ?::pg_lsn >= ?::pg_lsn", s.sink().commitLsn(), lsn))) {
                        return new FinalPosition(lsn, "sink applied a commit at LSN " + s.sink().commitLsn() + " >= " + lsn);
                    }
                    if (s.slot() != null && s.slot().confirmedFlushLsn() != null
                            && "t".equals(Sql.one(c, "SELECT ?::pg_lsn >= ?::pg_lsn", s.slot().confirmedFlushLsn(), lsn))) {
                        return new FinalPosition(lsn, "slot confirmed " + s.slot().confirmedFlushLsn() + " >= " + lsn
                                + " and every record in the topic is applied");
                    }
                }
                if (System.nanoTime() - quietSince > settle.toNanos()) {
                    return new FinalPosition(lsn, "topic fully applied and no new source transaction for " + settle.toSeconds()
                            + " s after writes stopped (the slot had not confirmed " + lsn + " yet)");
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the final source position " + lsn + " was not applied within " + timeout.toSeconds() + " s");
    }
}
