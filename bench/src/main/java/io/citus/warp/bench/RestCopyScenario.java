package io.citus.warp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.bench.BenchResults.Better;
import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.connect.ConnectRestException;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.embedded.Closeables;
import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.workload.TpcbWorkload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A migration deployed through Connect REST alone (issue #23): the three shipped configs — the Citus sink
 * ({@code base.copy.slot}), the base-copy connector and the Debezium source ({@code snapshot.mode=no_data}) — PUT as they are,
 * on a Connect cluster of each size of {@code --restcopy-workers} (the in-process worker, plus workers in their own JVMs in
 * the same group), with a TPC-B load on the source from before the first PUT to the end. The clock runs from the first PUT
 * until a change made on the source after the copy had finished is on the target: every row is there and the sink is past
 * its hold, streaming (the stream that queued during the copy applied). Then the load stops and the target must equal the
 * source table by table (row count and a hash of every row), and the TPC-B balances must agree: nothing lost or applied
 * twice. Beside it the same COPY limit as the other scenarios, measured in the same minute from the same source database.
 *
 * <p>Each cluster size runs on its own source database (the copied table, plus filled TPC-B tables the load updates while
 * they are copied), target database, slot and topic.
 */
public final class RestCopyScenario {
    private static final Logger LOG = LoggerFactory.getLogger(RestCopyScenario.class);
    static final String SCENARIO = "REST-only deployment";
    static final String SINK = "rc-sink";
    static final String COPY = "rc-base-copy";
    static final String SOURCE = "rc-source";
    /** Every table of the run, in the order they are compared. */
    private static final List<String> TABLES = List.of(BenchSchema.SNAPSHOT_TABLE, "pgbench_branches", "pgbench_tellers",
            "pgbench_accounts", "pgbench_history");

    private final BenchRun run;
    private final TpcbWorkload tpcb;

    public RestCopyScenario(BenchRun run) {
        this.run = run;
        this.tpcb = new TpcbWorkload(run.options().branches, run.options().accountsPerBranch);
    }

    /** The scenario label of one cluster size. */
    static String scenario(int workers) {
        return SCENARIO + ", " + workers + " Connect worker" + (workers == 1 ? "" : "s");
    }

    public void run() throws Exception {
        for (int workers : run.options().restCopyWorkers) {
            runWith(workers);
        }
    }

    private void runWith(int workers) throws Exception {
        BenchEnvironment env = run.env();
        BenchOptions o = run.options();
        int rows = o.rows;
        String scenario = scenario(workers);
        String prefix = "rc" + workers + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String sourceDb = env.sourceServer().createDatabase("bench_src_rc" + workers);
        try (Connection c = env.source().connect(sourceDb)) {
            BenchSchema.create(c);
            BenchSchema.loadSnapshotTable(c, rows);
            c.setAutoCommit(false);
            tpcb.load(c);
            c.commit();
        }
        String targetDb = env.createTargetDatabase("bench_rc" + workers);
        Connectors connectors = new Connectors(env, prefix, sourceDb, run.connectors().format(), run.connectors().sourceEdits());
        Map<String, String> sink = connectors.shipped(connectors.format().sinkTemplate(), "", targetDb);
        Map<String, String> copy = connectors.shipped(ConnectorTemplates.BASE_COPY, BenchSchema.TABLES, targetDb);
        Map<String, String> source = connectors.shipped(connectors.format().sourceTemplate(), BenchSchema.TABLES, null);
        if (workers == run.options().restCopyWorkers.get(0)) {
            run.results().config("REST-only: Citus sink (connectors/config/" + connectors.format().sinkTemplate() + ")", sink);
            run.results().config("REST-only: base copy (connectors/config/" + ConnectorTemplates.BASE_COPY + ")", copy);
            run.results().config("REST-only: Debezium source (connectors/config/" + connectors.format().sourceTemplate() + ")", source);
        }
        String slot = sink.get(SinkConfigKeys.BASE_COPY_SLOT);

        List<ConnectWorkerProcess> extra = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(o.threads);
        List<Future<Long>> clients = new ArrayList<>();
        try {
            for (int i = 1; i < workers; i++) {
                extra.add(env.startExtraWorker());
            }
            LOG.info("REST-only deployment on {} worker(s): {} and {}", workers, env.workerId(),
                    extra.stream().map(w -> w.restUrl().getHost() + ":" + w.restUrl().getPort()).toList());
            long loadStart = System.nanoTime();
            for (int i = 0; i < o.threads; i++) {
                int share = o.restCopyTps == 0 ? 0 : Math.max(1, o.restCopyTps / o.threads + (i < o.restCopyTps % o.threads ? 1 : 0));
                clients.add(pool.submit(() -> tpcb.run(() -> connect(env.sourceServer(), sourceDb), stop::get, share)));
            }
            Thread.sleep(1000); // the load is running before the first PUT

            long t0 = System.nanoTime();
            long t0Epoch = System.currentTimeMillis();
            connectors.deploy(SINK, sink);
            connectors.deploy(COPY, copy);
            connectors.deploy(SOURCE, source);
            Placement placement = new Placement();
            BaseCopyTables.SlotCopy done;
            long copied;
            try (Connection target = env.target().connect(targetDb)) {
                long lastCheck = 0;
                while (true) {
                    long now = System.nanoTime();
                    Optional<BaseCopyTables.SlotCopy> state = readCopy(target, slot);
                    if (state.isPresent() && state.get().finished()) {
                        copied = now;
                        done = state.get();
                        break;
                    }
                    if (now - lastCheck > 1_000_000_000L) {
                        for (String name : new String[] {SINK, COPY, SOURCE}) {
                            connectors.checkNotFailed(name);
                        }
                        placement.sample(connectors, COPY);
                        lastCheck = now;
                    }
                    if (now - t0 > run.timeout().toNanos()) {
                        throw new IllegalStateException("the base copy did not finish within " + run.timeout().toSeconds() + " s: " + state);
                    }
                    checkLoad(clients);
                    Thread.sleep(100);
                }
            }
            placement.sample(connectors, COPY);
            double[] phases = phases(targetDb, slot, t0Epoch);
            long marker = markerApplied(connectors, sourceDb, targetDb, rows);
            placement.sample(connectors, SINK);
            placement.sample(connectors, SOURCE);
            stop.set(true);
            long transactions = 0;
            for (Future<Long> f : clients) {
                transactions += f.get();
            }
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            long[] sums = awaitEqual(connectors, sourceDb, targetDb);

            String limitDb = env.createTargetDatabase("bench_rc_limit" + workers);
            long c0 = System.nanoTime();
            long limitRows = CopyLimit.copy(env.sourceServer(), sourceDb, env.target(), limitDb, BenchSchema.SNAPSHOT_TABLE);
            double limitSeconds = (System.nanoTime() - c0) / 1e9;
            double limitRate = limitRows / limitSeconds;

            double e2e = (marker - t0) / 1e9;
            double copySeconds = (copied - t0) / 1e9;
            String where = placement.describe(env.workerId());
            LOG.info("REST-only, {} worker(s): every row on the target and streaming {} s after the first PUT (copy finished at {} s, "
                    + "attempt {}, {} rows in {} ranges); COPY limit {} rows/s; {} TPC-B transactions ({} tx/s), sums {}; {}", workers,
                    e2e, copySeconds, done.attempt(), done.rowsCopied(), done.ranges(), Math.round(limitRate), transactions,
                    Math.round(transactions / loadSeconds), java.util.Arrays.toString(sums), where);
            BenchResults r = run.results();
            r.add(scenario, "end to end (first PUT to all rows on target and a later change applied)", "s", Better.LOWER, e2e, Double.NaN,
                    limitSeconds);
            r.add(scenario, "end-to-end rate", "rows/s", Better.HIGHER, rows / e2e, Double.NaN, limitRate);
            r.add(scenario, "copy finished (first PUT to the copy recorded finished)", "s", Better.LOWER, copySeconds, Double.NaN,
                    Double.NaN);
            r.add(scenario, "copy rate (first PUT to the copy recorded finished)", "rows/s", Better.HIGHER, rows / copySeconds, Double.NaN,
                    limitRate);
            r.add(scenario, "of which: first PUT to the copy planned (connectors started, Debezium's slot created, snapshot exported)",
                    "s", Better.NONE, phases[0], Double.NaN, Double.NaN);
            r.add(scenario, "of which: planned to first range committed", "s", Better.NONE, phases[1], Double.NaN, Double.NaN);
            r.add(scenario, "of which: first to last range committed", "s", Better.NONE, phases[2], Double.NaN, Double.NaN);
            r.add(scenario, "of which: last range committed to the copy recorded finished", "s", Better.NONE, phases[3], Double.NaN,
                    Double.NaN);
            r.add(scenario, "then: sink past its hold, queued stream and a later change applied", "s", Better.NONE,
                    (marker - copied) / 1e9, Double.NaN, Double.NaN);
            r.add(scenario, "copy attempts (1: never started over)", "attempts", Better.NONE, done.attempt(), Double.NaN, Double.NaN);
            r.add(scenario, "Connect workers running copy tasks", "workers", Better.NONE, placement.taskWorkers(), Double.NaN, Double.NaN);
            r.add(scenario, "TPC-B load during the run (--restcopy-tps " + o.restCopyTps + ")", "tx/s", Better.NONE,
                    transactions / loadSeconds, Double.NaN, Double.NaN);
            r.note(scenario + ": " + where + ". Target equal to the source after the load (row count and row hash of every table, "
                    + transactions + " TPC-B transactions, balance sums " + sums[0] + "/" + sums[1] + "/" + sums[2] + ").");
        } finally {
            stop.set(true);
            pool.shutdownNow();
            for (String name : new String[] {SOURCE, COPY, SINK}) {
                try {
                    connectors.delete(name);
                } catch (RuntimeException e) {
                    LOG.warn("could not delete connector {}", name, e);
                }
            }
            Closeables.closeAll(extra.toArray(AutoCloseable[]::new));
        }
        SourceSlots.dropEventually(env.sourceServer(), sourceDb, slot);
    }

    /**
     * The copy's phases from its record on the target (the target's clock; one machine): first PUT to the attempt begun
     * (recorded once Debezium's slot existed), to the first range committed, to the last one, to the copy marked finished.
     */
    private double[] phases(String targetDb, String slot, long t0EpochMillis) throws SQLException {
        String schema = SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA;
        try (Connection t = run.env().target().connect(targetDb); PreparedStatement ps = t.prepareStatement(
                "SELECT extract(epoch FROM b.started_at), extract(epoch FROM min(r.copied_at)), extract(epoch FROM max(r.copied_at)),"
                        + " extract(epoch FROM b.copied_at) FROM " + BaseCopyTables.state(schema) + " b JOIN " + BaseCopyTables.ranges(schema)
                        + " r USING (slot_name) WHERE b.slot_name = ? GROUP BY b.started_at, b.copied_at")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
                }
                double start = t0EpochMillis / 1e3;
                return new double[] {rs.getDouble(1) - start, rs.getDouble(2) - rs.getDouble(1), rs.getDouble(3) - rs.getDouble(2),
                    rs.getDouble(4) - rs.getDouble(3)};
            }
        }
    }

    private Optional<BaseCopyTables.SlotCopy> readCopy(Connection target, String slot) {
        try {
            return BaseCopyTables.read(target, SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, slot);
        } catch (SQLException e) {
            return Optional.empty(); // created by the copy while this reads
        }
    }

    private static void checkLoad(List<Future<Long>> clients) throws Exception {
        for (Future<Long> f : clients) {
            if (f.isDone()) {
                f.get(); // throws what ended a load client early
                throw new IllegalStateException("a TPC-B load client stopped early");
            }
        }
    }

    /**
     * Changes one row on the source after the copy has finished and returns System.nanoTime() of the poll that saw it on the
     * target: the sink is past its hold and has applied what the load queued meanwhile (the stream is in commit order).
     */
    private long markerApplied(Connectors connectors, String sourceDb, String targetDb, int rows) throws Exception {
        try (Connection c = run.env().source().connect(sourceDb); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + BenchSchema.SNAPSHOT_TABLE + " SET abalance = abalance - 1 WHERE aid = " + rows);
        }
        try (Connection t = run.env().target().connect(targetDb); PreparedStatement ps = t.prepareStatement(
                "SELECT abalance FROM " + BenchSchema.SNAPSHOT_TABLE + " WHERE aid = ?")) {
            ps.setInt(1, rows);
            long deadline = System.nanoTime() + run.timeout().toNanos();
            long lastCheck = 0;
            while (true) {
                long now = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) == -1) {
                        return now;
                    }
                }
                if (now - lastCheck > 2_000_000_000L) {
                    connectors.checkNotFailed(SINK);
                    connectors.checkNotFailed(SOURCE);
                    lastCheck = now;
                }
                if (now > deadline) {
                    throw new IllegalStateException("the change made after the copy did not reach the target within "
                            + run.timeout().toSeconds() + " s");
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * Waits until every table of the target equals the source's (row count and the sum of a hash of each row's text, one
     * statement per side), then checks the TPC-B invariant; returns the balance sums. A row lost, altered or applied twice
     * changes the count or the hash.
     */
    private long[] awaitEqual(Connectors connectors, String sourceDb, String targetDb) throws Exception {
        Map<String, String> expected;
        try (Connection src = run.env().source().connect(sourceDb)) {
            expected = digest(src);
        }
        long deadline = System.nanoTime() + run.timeout().toNanos();
        try (Connection dst = run.env().target().connect(targetDb)) {
            while (true) {
                Map<String, String> actual = digest(dst);
                if (actual.equals(expected)) {
                    long[] sums = TpcbWorkload.balanceSums(dst);
                    if (!TpcbWorkload.consistent(sums)) {
                        throw new IllegalStateException("the target's TPC-B balance sums disagree: " + java.util.Arrays.toString(sums));
                    }
                    return sums;
                }
                connectors.checkNotFailed(SINK);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the target did not become equal to the source within " + run.timeout().toSeconds()
                            + " s: source " + expected + ", target " + actual);
                }
                Thread.sleep(500);
            }
        }
    }

    /** Per table: row count and the sum of hashtext(row::text), as text. */
    private static Map<String, String> digest(Connection c) throws SQLException {
        Map<String, String> d = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM " + table + " t")) {
                    rs.next();
                    d.put(table, rs.getLong(1) + " rows, hash " + rs.getLong(2));
                }
            }
        }
        return d;
    }

    private static Connection connect(BenchEnvironment.Server server, String database) {
        try {
            return server.connect(database);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where Connect ran the connectors and the copy's tasks, from GET /connectors/{name}/status (worker_id). */
    private static final class Placement {
        private final Map<String, String> connectorWorker = new TreeMap<>();
        private final Map<String, String> copyTasks = new TreeMap<>();

        void sample(Connectors connectors, String name) {
            JsonNode status;
            try {
                status = connectors.connect().status(name);
            } catch (ConnectRestException e) {
                return; // not known to the worker yet
            }
            String worker = status.path("connector").path("worker_id").asText("");
            if (!worker.isEmpty()) {
                connectorWorker.put(name, worker);
            }
            if (name.equals(COPY)) {
                for (JsonNode task : status.path("tasks")) {
                    if ("RUNNING".equals(task.path("state").asText())) {
                        // A task moved by a rebalance keeps its last worker; the first one is the one that copied most.
                        copyTasks.putIfAbsent("task " + task.path("id").asText(), task.path("worker_id").asText());
                    }
                }
            }
        }

        long taskWorkers() {
            return copyTasks.values().stream().distinct().count();
        }

        String describe(String inProcessWorker) {
            StringBuilder b = new StringBuilder();
            connectorWorker.forEach((name, worker) -> b.append(b.length() == 0 ? "" : "; ").append(name).append(" connector on ")
                    .append(label(worker, inProcessWorker)));
            b.append("; base-copy tasks: ");
            copyTasks.forEach((task, worker) -> b.append(task).append(" on ").append(label(worker, inProcessWorker)).append(", "));
            return b.substring(0, b.length() - 2);
        }

        private static String label(String worker, String inProcessWorker) {
            return worker + (worker.equals(inProcessWorker) ? " (in-process worker)" : " (worker JVM)");
        }
    }
}
