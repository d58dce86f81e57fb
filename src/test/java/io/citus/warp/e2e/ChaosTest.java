package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Faults;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fault campaign under a TPC-B load with a concurrent reader of the target: every kind of fault the
 * harness can make on one machine, {@code warp.chaos.rounds} times each (default 1, so that the default
 * suite stays short; the campaign runs {@code -Dwarp.chaos.rounds=4}), in a shuffled order, under
 * {@code warp.chaos.rate} TPC-B transactions per second from each of two writers (default 5). After each
 * fault it measures the time until the sink commits again, and until everything the source had committed
 * at the fault is applied. At the end: no reader ever saw the balance sums disagree, every table equals
 * the source row for row, and no history row was inserted twice or is missing.
 */
@EndToEnd
@Tag("chaos")
class ChaosTest {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosTest.class);
    private static final Duration WAIT = Duration.ofSeconds(300);

    /** Counts every row the sink inserts into history, so a replayed insert shows up as a second count. */
    private static final String INSERT_COUNTER = """
            CREATE TABLE history_inserts (hid bigint NOT NULL);
            CREATE FUNCTION count_history_insert() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN INSERT INTO history_inserts VALUES (NEW.hid); RETURN NEW; END $$;
            CREATE TRIGGER count_history_insert BEFORE INSERT ON pgbench_history
              FOR EACH ROW EXECUTE FUNCTION count_history_insert();
            """;

    enum Fault {
        SINK_TASK_RESTART, WORKER_RESTART, TARGET_CRASH_RESTART, SOURCE_CRASH_RESTART, SINK_CONNECTION_CUT
    }

    /** Time from the fault to the sink's first commit after it, and to everything committed at the fault being applied. */
    record Outcome(Fault fault, long resumedMs, long recoveryMs, String note) {
    }

    @Test
    void noViolationNoLossNoDuplicateThroughEveryFault(TestEnvironment env) throws Exception {
        int rounds = Integer.getInteger("warp.chaos.rounds", 1);
        int rate = Integer.getInteger("warp.chaos.rate", 5);
        TpcbWorkload tpcb = new TpcbWorkload(4, 500);
        List<Outcome> outcomes = new ArrayList<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicLong samples = new AtomicLong();
        AtomicLong sourceFailures = new AtomicLong();
        try (Migration m = new Migration(env, "chaos")) {
            TpcbMigration.start(m, tpcb, Map.of(), WAIT);
            m.targetSql(INSERT_COUNTER);

            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> load = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    load.add(pool.submit(() -> writeUntilStopped(tpcb, m, stop, sourceFailures, rate)));
                }
                load.add(pool.submit(() -> readUntilStopped(m, stop, samples, violations)));

                List<Fault> plan = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    plan.addAll(List.of(Fault.values()));
                }
                Collections.shuffle(plan, new Random(Long.getLong("warp.chaos.seed", 11)));
                Thread.sleep(3000);
                for (Fault fault : plan) {
                    outcomes.add(inject(env, m, fault));
                    Thread.sleep(1000);
                }
                stop.set(true);
                for (Future<?> f : load) {
                    f.get();
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }

            TableDigest.awaitEqual(m, WAIT, TpcbMigration.TABLES);
            for (int i = 0; i < TpcbMigration.TABLES.length; i += 2) {
                TableDigest.assertEqual(m, TpcbMigration.TABLES[i], TpcbMigration.TABLES[i + 1]);
            }
            long[] history = historyCounts(m);
            report(outcomes, samples.get(), violations.size(), history, sourceFailures.get());
            assertTrue(samples.get() > 20, "the reader sampled the target: " + samples.get());
            assertEquals(List.of(), violations, "a reader of the target saw balance sums disagree");
            assertEquals(history[0], history[2], "history rows on the source and the target");
            assertEquals(history[2], history[1], "every history row on the target was inserted exactly once");
            assertEquals(history[1], history[3], "no history row inserted twice");
        }
    }

    private static Outcome inject(TestEnvironment env, Migration m, Fault fault) throws Exception {
        long committedAtFault = sourceLsn(m);
        long appliedAtFault = appliedCommitLsn(m);
        long t0 = System.nanoTime();
        String note = "";
        LOG.info("chaos: injecting {}", fault);
        switch (fault) {
            case SINK_TASK_RESTART -> m.connect().restartTask(m.sinkConnector(), 0);
            case WORKER_RESTART -> env.restartWorker();
            case TARGET_CRASH_RESTART -> Faults.crashRestart(env.target());
            case SOURCE_CRASH_RESTART -> Faults.crashRestart(env.source());
            case SINK_CONNECTION_CUT -> {
                try (Connection admin = env.target().connect("postgres")) {
                    note = Faults.cutSinkConnection(admin, m.targetDatabase(), Duration.ofSeconds(3)) ? "cut in COMMIT" : "cut mid-work";
                }
            }
        }
        Eventually.await(WAIT, "sink applying again after " + fault, () -> {
            failIfTaskFailed(m);
            return appliedCommitLsn(m) > appliedAtFault;
        });
        long resumed = (System.nanoTime() - t0) / 1_000_000;
        Eventually.await(WAIT, "target caught up with source LSN " + committedAtFault + " after " + fault, () -> {
            failIfTaskFailed(m);
            return appliedCommitLsn(m) >= committedAtFault;
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("chaos: {} applying again after {} ms, caught up after {} ms {}", fault, resumed, ms, note);
        return new Outcome(fault, resumed, ms, note);
    }

    private static void failIfTaskFailed(Migration m) {
        for (String connector : List.of(m.sinkConnector(), m.sourceConnector())) {
            try {
                var status = m.connect().status(connector);
                for (var task : status.path("tasks")) {
                    if ("FAILED".equals(task.path("state").asText())) {
                        throw new AssertionError(connector + " task FAILED: " + task.path("trace").asText());
                    }
                }
            } catch (RuntimeException e) {
                // the worker is restarting; ask again
            }
        }
    }

    /** Runs TPC-B transactions until stopped; a failed transaction (source restarting) is counted and the load goes on. */
    private static Void writeUntilStopped(TpcbWorkload tpcb, Migration m, AtomicBoolean stop, AtomicLong failures, int rate)
            throws InterruptedException {
        while (!stop.get()) {
            try {
                tpcb.run(m::openSource, stop::get, rate);
            } catch (SQLException | RuntimeException e) {
                failures.incrementAndGet();
                Thread.sleep(200);
            }
        }
        return null;
    }

    private static Void readUntilStopped(Migration m, AtomicBoolean stop, AtomicLong samples, List<String> violations)
            throws InterruptedException {
        while (!stop.get()) {
            try (Connection dst = m.target()) {
                while (!stop.get()) {
                    long[] sums = TpcbWorkload.balanceSums(dst);
                    samples.incrementAndGet();
                    if (!TpcbWorkload.consistent(sums)) {
                        violations.add(sums[0] + "/" + sums[1] + "/" + sums[2]);
                    }
                }
            } catch (SQLException e) {
                Thread.sleep(100); // the target is restarting
            }
        }
        return null;
    }

    private static long sourceLsn(Migration m) throws SQLException {
        try (Connection c = m.source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long appliedCommitLsn(Migration m) {
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce((commit_lsn - '0/0'::pg_lsn)::bigint, -1) FROM warp.sink_progress WHERE stream = ?")) {
            ps.setString(1, m.sinkConnector());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            return -1; // the target is restarting
        }
    }

    /** Source history rows, target inserts counted by the trigger, target history rows, distinct inserted ids. */
    private static long[] historyCounts(Migration m) throws SQLException {
        long sourceRows;
        try (Connection c = m.source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_history")) {
            rs.next();
            sourceRows = rs.getLong(1);
        }
        try (Connection c = m.target(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*), (SELECT count(*) FROM pgbench_history), count(DISTINCT hid) FROM history_inserts")) {
            rs.next();
            return new long[] {sourceRows, rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    private static void report(List<Outcome> outcomes, long samples, int violations, long[] history, long sourceFailures) {
        Map<Fault, List<String>> byKind = new EnumMap<>(Fault.class);
        outcomes.forEach(o -> byKind.computeIfAbsent(o.fault(), k -> new ArrayList<>()).add(o.resumedMs() + "/" + o.recoveryMs()));
        List<Long> all = outcomes.stream().map(Outcome::recoveryMs).sorted().toList();
        List<Long> resumed = outcomes.stream().map(Outcome::resumedMs).sorted().toList();
        StringBuilder r = new StringBuilder("chaos report: ").append(outcomes.size()).append(" faults; reader samples ")
                .append(samples).append(", violations ").append(violations).append("; history rows source ").append(history[0])
                .append(", target ").append(history[2]).append(", inserts ").append(history[1]).append(" (duplicates ")
                .append(history[1] - history[3]).append(", missing ").append(history[0] - history[2])
                .append("); source transactions failed by faults ").append(sourceFailures)
                .append("; time to applying again: median ").append(resumed.get(resumed.size() / 2)).append(" ms, worst ")
                .append(resumed.get(resumed.size() - 1)).append(" ms; time to caught up: median ").append(all.get(all.size() / 2))
                .append(" ms, worst ").append(all.get(all.size() - 1)).append(" ms");
        byKind.forEach((k, v) -> r.append("\n  ").append(k).append(" (applying again/caught up): ").append(v).append(" ms"));
        outcomes.stream().filter(o -> !o.note().isEmpty()).forEach(o -> r.append("\n  ").append(o.fault()).append(" ").append(o.note()));
        LOG.info(r.toString());
    }
}
