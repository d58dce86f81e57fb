package io.citus.warp.testing;

import io.citus.warp.status.StatusProbe;
import io.citus.warp.workload.TpcbWorkload;
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
 * A fault campaign under a TPC-B load with a concurrent reader of the target, shared by the plain-PostgreSQL
 * and the Citus chaos tests: every fault kind registered with {@link #fault}, {@code warp.chaos.rounds} times each
 * (default 1, so that the default suite stays short), in a shuffled order ({@code warp.chaos.seed}), under
 * {@code warp.chaos.rate} TPC-B transactions per second from each of two writers (default 5). After each fault it
 * measures the time until the sink commits again, and until everything the source had committed at the fault is
 * applied. At the end: no reader ever saw balances disagree, every table equals the source row for row, and no
 * history row was inserted twice or is missing (a trigger on the target counts every row the sink inserts).
 */
public final class ChaosCampaign {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosCampaign.class);
    private static final Duration WAIT = Duration.ofSeconds(300);

    public enum Fault {
        /** {@code POST /connectors/<sink>/tasks/0/restart}: the task stops between a target COMMIT and Connect's offset commit. */
        SINK_TASK_RESTART,
        /** SIGKILL of the Connect worker's JVM and a new worker in the same Connect group. */
        WORKER_KILL,
        /** SIGKILL of the Kafka broker's JVM and a restart on the same ports and log directory. */
        BROKER_KILL,
        /** Crash of the plain PostgreSQL target (SIGKILL of a backend: every session ends, crash recovery). */
        TARGET_CRASH_RESTART,
        /** {@code pg_ctl restart -m immediate} of the Citus coordinator. */
        COORDINATOR_RESTART,
        /** {@code pg_ctl restart -m immediate} of a Citus worker node. */
        CITUS_WORKER_RESTART,
        /** Crash of the source PostgreSQL (SIGKILL of a backend); Debezium reconnects and re-sends what it had not flushed. */
        SOURCE_CRASH_RESTART,
        /** {@code pg_terminate_backend} of the sink's target session wherever it is. */
        SINK_CONNECTION_CUT,
        /** {@code pg_terminate_backend} of the sink's target session held inside COMMIT by a gate ({@link Faults#installCommitGate}). */
        SINK_COMMIT_CUT
    }

    /** Makes one fault and returns a note for the report (empty if none). */
    @FunctionalInterface
    public interface Injection {
        String inject() throws Exception;
    }

    /** Time from the fault to the sink's first commit after it, and to everything committed at the fault being applied. */
    public record Outcome(Fault fault, long resumedMs, long recoveryMs, String note) {
    }

    private final Migration m;
    private final TpcbWorkload tpcb;
    /** Where the TPC-B tables and the insert counter are on the target ("public" on plain PostgreSQL). */
    private final String schema;
    private final Map<Fault, Injection> faults = new EnumMap<>(Fault.class);
    /** The commit gate's name once installed; removed at the end (a Citus target's database is shared). */
    private String commitGate;

    /** A campaign on a migration whose TPC-B tables are loaded and applied, and whose insert counter is in place. */
    public ChaosCampaign(Migration m, TpcbWorkload tpcb, String schema) {
        this.m = m;
        this.tpcb = tpcb;
        this.schema = schema;
    }

    public ChaosCampaign fault(Fault kind, Injection how) {
        faults.put(kind, how);
        return this;
    }

    /**
     * The faults every target shares: sink task restart, Connect worker and Kafka broker killed, source crash, the
     * sink's connection cut anywhere and inside COMMIT (the commit gate is installed here).
     */
    public ChaosCampaign commonFaults(TestEnvironment env) throws SQLException {
        try (Connection c = m.target()) {
            commitGate = "chaos_gate_" + m.id();
            Faults.installCommitGate(c, m.sinkConnector(), commitGate);
        }
        if (env.workerInSeparateJvm()) {
            fault(Fault.WORKER_KILL, () -> {
                env.killAndRestartWorker();
                return "";
            });
        } else {
            LOG.warn("chaos: no WORKER_KILL, the Connect worker runs in the test JVM (-Dwarp.test.connect=in-process)");
        }
        if (env.kafka().canCrash()) {
            fault(Fault.BROKER_KILL, () -> {
                env.kafka().killAndRestart();
                return "";
            });
        } else {
            LOG.warn("chaos: no BROKER_KILL, the Kafka broker does not run in its own JVM (-Dwarp.test.kafka)");
        }
        return fault(Fault.SINK_TASK_RESTART, () -> {
            m.connect().restartTask(m.sinkConnector(), 0);
            return "";
        }).fault(Fault.SOURCE_CRASH_RESTART, () -> {
            Faults.crashRestart(env.source());
            return "";
        }).fault(Fault.SINK_CONNECTION_CUT, () -> {
            try (Connection admin = m.target()) {
                return Faults.cutSinkConnection(admin, m.targetDatabase(), Duration.ofSeconds(3)) ? "cut in COMMIT" : "cut mid-work";
            }
        }).fault(Fault.SINK_COMMIT_CUT, () -> {
            try (Connection admin = m.target()) {
                return Faults.cutSinkConnectionInCommit(admin, m.targetDatabase(), Duration.ofSeconds(120));
            }
        });
    }

    /**
     * The statements that count every row the sink inserts into {@code schema}.pgbench_history, in
     * {@code schema}.history_inserts (a BEFORE INSERT trigger fires for an upsert that conflicts too, so a re-applied
     * row counts twice); {@code afterTable} runs once that table exists (on Citus: distribute it).
     */
    public static String[] insertCounter(String schema, String... afterTable) {
        List<String> sql = new ArrayList<>();
        sql.add("CREATE TABLE %1$s.history_inserts (bid int, hid bigint NOT NULL)".formatted(schema));
        sql.addAll(List.of(afterTable));
        sql.add("""
                CREATE FUNCTION %1$s.count_history_insert() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN INSERT INTO %1$s.history_inserts VALUES (NEW.bid, NEW.hid); RETURN NEW; END $$""".formatted(schema));
        sql.add("CREATE TRIGGER count_history_insert BEFORE INSERT ON %1$s.pgbench_history FOR EACH ROW EXECUTE FUNCTION %1$s.count_history_insert()"
                .formatted(schema));
        return sql.toArray(String[]::new);
    }

    /** Runs the campaign and asserts its outcome; returns the outcome of each fault. */
    public List<Outcome> run() throws Exception {
        try {
            return runCampaign();
        } finally {
            if (commitGate != null) {
                try (Connection c = m.target()) {
                    Faults.removeCommitGate(c, commitGate);
                } catch (SQLException e) {
                    LOG.warn("could not remove the commit gate {} from warp.sink_progress", commitGate, e); // never hide the outcome
                }
            }
        }
    }

    private List<Outcome> runCampaign() throws Exception {
        int rounds = Integer.getInteger("warp.chaos.rounds", 1);
        int rate = Integer.getInteger("warp.chaos.rate", 5);
        List<Outcome> outcomes = new ArrayList<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicLong samples = new AtomicLong();
        AtomicLong sourceFailures = new AtomicLong();
        // The guarantees hold once Debezium has recorded its snapshot as done (warp status leaves SNAPSHOTTING then): a
        // worker crash before that makes it snapshot everything again, and readers see the target being reloaded.
        Eventually.await(WAIT, "Debezium's committed offset past its snapshot",
                () -> StatusProbe.snapshotRecorded(m.connect().offsets(m.sourceConnector())));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> load = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                load.add(pool.submit(() -> writeUntilStopped(stop, sourceFailures, rate)));
            }
            load.add(pool.submit(() -> readUntilStopped(stop, samples, violations)));

            List<Fault> plan = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                plan.addAll(faults.keySet());
            }
            Collections.shuffle(plan, new Random(Long.getLong("warp.chaos.seed", 11)));
            LOG.info("chaos: {} faults planned: {}", plan.size(), plan);
            Thread.sleep(3000);
            for (Fault fault : plan) {
                outcomes.add(inject(fault));
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

        String[] tables = TpcbMigration.TABLES;
        if (schema.equals("public")) {
            TableDigest.awaitEqual(m, WAIT, tables);
        } else {
            TableDigest.awaitEqualInSchema(m, WAIT, schema, tables);
        }
        long[] history = historyCounts();
        report(outcomes, samples.get(), violations.size(), history, sourceFailures.get());
        assertTrue(samples.get() > 20, "the reader sampled the target: " + samples.get());
        assertEquals(0, violations.size(), () -> "a reader of the target saw balances disagree " + violations.size()
                + " times, first: " + violations.subList(0, Math.min(20, violations.size())));
        assertEquals(history[0], history[2], "history rows on the source and the target");
        assertEquals(history[2], history[1], "every history row on the target was inserted exactly once");
        assertEquals(history[1], history[3], "no history row inserted twice");
        return outcomes;
    }

    private Outcome inject(Fault fault) throws Exception {
        long committedAtFault = sourceLsn();
        long appliedAtFault = appliedCommitLsn();
        long t0 = System.nanoTime();
        LOG.info("chaos: injecting {}", fault);
        String note = faults.get(fault).inject();
        Eventually.await(WAIT, "sink applying again after " + fault, () -> {
            failIfTaskFailed();
            return appliedCommitLsn() > appliedAtFault;
        });
        long resumed = (System.nanoTime() - t0) / 1_000_000;
        Eventually.await(WAIT, "target caught up with source LSN " + committedAtFault + " after " + fault, () -> {
            failIfTaskFailed();
            return appliedCommitLsn() >= committedAtFault;
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("chaos: {} applying again after {} ms, caught up after {} ms {}", fault, resumed, ms, note);
        return new Outcome(fault, resumed, ms, note);
    }

    private void failIfTaskFailed() {
        for (String connector : List.of(m.sinkConnector(), m.sourceConnector())) {
            try {
                var status = m.connect().status(connector);
                for (var task : status.path("tasks")) {
                    if ("FAILED".equals(task.path("state").asText())) {
                        throw new AssertionError(connector + " task FAILED: " + task.path("trace").asText());
                    }
                }
            } catch (RuntimeException e) {
                // the worker (or the broker under it) is restarting; ask again
            }
        }
    }

    /** Runs TPC-B transactions until stopped; a failed transaction (source restarting) is counted and the load goes on. */
    private Void writeUntilStopped(AtomicBoolean stop, AtomicLong failures, int rate) throws InterruptedException {
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

    /**
     * Checks, per branch, sum(abalance) = sum(tbalance) = bbalance in one query. Per branch rather than globally
     * because on Citus a query spanning shards on several workers is not one snapshot (docs/guarantees.md, "On
     * Citus"), while one branch's rows are co-located and read from one shard.
     */
    private Void readUntilStopped(AtomicBoolean stop, AtomicLong samples, List<String> violations) throws InterruptedException {
        while (!stop.get()) {
            try (Connection dst = m.target(); PreparedStatement ps = dst.prepareStatement(
                    "SELECT (SELECT coalesce(sum(abalance), 0) FROM " + schema + ".pgbench_accounts WHERE bid = ?),"
                            + " (SELECT coalesce(sum(tbalance), 0) FROM " + schema + ".pgbench_tellers WHERE bid = ?),"
                            + " (SELECT bbalance FROM " + schema + ".pgbench_branches WHERE bid = ?)")) {
                while (!stop.get()) {
                    for (int bid = 1; bid <= tpcb.branches() && !stop.get(); bid++) {
                        ps.setInt(1, bid);
                        ps.setInt(2, bid);
                        ps.setInt(3, bid);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            long[] sums = {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
                            samples.incrementAndGet();
                            if (!TpcbWorkload.consistent(sums)) {
                                violations.add("branch " + bid + ": " + sums[0] + "/" + sums[1] + "/" + sums[2]);
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                Thread.sleep(100); // the target is restarting
            }
        }
        return null;
    }

    private long sourceLsn() throws SQLException {
        try (Connection c = m.source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long appliedCommitLsn() {
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
    private long[] historyCounts() throws SQLException {
        long sourceRows;
        try (Connection c = m.source()) {
            sourceRows = scalar(c, "SELECT count(*) FROM pgbench_history");
        }
        // Separate queries: Citus cannot push a subquery in the target list down next to an aggregate.
        try (Connection c = m.target()) {
            return new long[] {sourceRows, scalar(c, "SELECT count(*) FROM " + schema + ".history_inserts"),
                    scalar(c, "SELECT count(*) FROM " + schema + ".pgbench_history"),
                    scalar(c, "SELECT count(DISTINCT hid) FROM " + schema + ".history_inserts")};
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
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
