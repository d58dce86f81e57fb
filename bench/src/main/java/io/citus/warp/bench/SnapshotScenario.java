package io.citus.warp.bench;

import io.citus.warp.bench.BenchResults.Better;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The initial copy. (1) End to end: Warp's sink and the Debezium source start together on a fresh target;
 * time until the target has every row. (2) Sink only: with the whole snapshot already in Kafka, Warp's sink
 * and then the peer each start on a fresh target; time until every row is there. (3) The limit: the same
 * table piped COPY to COPY between the same servers.
 */
public final class SnapshotScenario {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotScenario.class);
    static final String SCENARIO = "snapshot";
    static final String E2E = "warp-e2e";

    private final BenchRun run;

    public SnapshotScenario(BenchRun run) {
        this.run = run;
    }

    public void run() throws Exception {
        run(false);
    }

    /** @param endToEndOnly only (1), e.g. to compare Debezium source settings */
    public void run(boolean endToEndOnly) throws Exception {
        BenchEnvironment env = run.env();
        Connectors connectors = run.connectors();
        BenchResults results = run.results();
        int rows = run.options().rows;
        String table = BenchSchema.SNAPSHOT_TABLE;

        // (1) end to end: sink first (it waits for the topic), then the source; the clock starts with the source.
        String e2eDatabase = run.env().createTargetDatabase("bench_warp_e2e");
        Map<String, String> e2eConfig = connectors.warpConfig(e2eDatabase);
        connectors.deploy(E2E, e2eConfig);
        Map<String, String> sourceConfig = new java.util.LinkedHashMap<>(connectors.sourceConfig(BenchSchema.TABLES));
        sourceConfig.putAll(run.options().sourceOverrides);
        results.config("Debezium PostgreSQL source (connectors/config/" + connectors.format().sourceTemplate() + ")", sourceConfig);
        long t0 = System.nanoTime();
        connectors.deploy("source", sourceConfig);
        double e2eSeconds;
        try (TargetProbe probe = new TargetProbe(env.target(), e2eDatabase, connectors, E2E)) {
            e2eSeconds = (probe.awaitRows(table, "aid", rows, run.timeout()) - t0) / 1e9;
        }
        double sourceSeconds = sourceSnapshotSeconds();
        long retained = retainedWal("slot_" + connectors.prefix());
        // The topic holds the snapshot's records only (and perhaps a heartbeat): what one row costs on the topic.
        TopicSize topic = TopicSize.of(env.bootstrapServers(), connectors.topic());
        double bytesPerRow = topic.endOffset() == 0 ? Double.NaN : (double) topic.bytes() / topic.endOffset();
        LOG.info("end to end: {} rows on the target {} s after the source connector started (source snapshot {} s)",
                rows, e2eSeconds, sourceSeconds);
        connectors.delete(E2E);
        if (endToEndOnly) {
            String limitDatabase = run.env().createTargetDatabase("bench_copy_limit");
            long c0 = System.nanoTime();
            long copied = CopyLimit.copy(env.sourceServer(), run.sourceDatabase(), env.target(), limitDatabase, table);
            double copyRate = copied / ((System.nanoTime() - c0) / 1e9);
            results.add(SCENARIO, "end to end (source start to all rows on target)", "s", Better.LOWER, e2eSeconds, Double.NaN, Double.NaN);
            results.add(SCENARIO, "end-to-end rate", "rows/s", Better.HIGHER, rows / e2eSeconds, Double.NaN, copyRate);
            results.add(SCENARIO, "Debezium source snapshot duration (context)", "s", Better.NONE, sourceSeconds, Double.NaN, Double.NaN);
            results.add(SCENARIO, "WAL retained by the slot at the end of the snapshot", "bytes", Better.LOWER, retained, Double.NaN,
                    Double.NaN);
            results.add(SCENARIO, "topic bytes per snapshot record on the broker", "bytes", Better.LOWER, bytesPerRow, Double.NaN, Double.NaN);
            return;
        }

        // (2) sink only, one sink at a time so neither competes with the other for the two cores.
        long[] warp = sinkOnly(BenchRun.WARP, run.warpDatabase(), connectors.warpConfig(run.warpDatabase()));
        long[] peer = sinkOnly(BenchRun.PEER, run.peerDatabase(), connectors.peerConfig(run.peerDatabase(), run.options()));
        results.config("Warp sink (connectors/config/" + connectors.format().sinkTemplate() + ")", connectors.warpConfig(run.warpDatabase()));
        results.config("peer: Debezium JDBC sink", connectors.peerConfig(run.peerDatabase(), run.options()));

        // (3) the limit
        String copyDatabase = run.env().createTargetDatabase("bench_copy_limit");
        long c0 = System.nanoTime();
        long copied = CopyLimit.copy(env.sourceServer(), run.sourceDatabase(), env.target(), copyDatabase, table);
        double copySeconds = (System.nanoTime() - c0) / 1e9;
        LOG.info("COPY limit: {} rows in {} s", copied, copySeconds);

        long warpRows;
        long peerRows;
        try (Connection w = env.target().connect(run.warpDatabase()); Connection p = env.target().connect(run.peerDatabase())) {
            warpRows = count(w, table);
            peerRows = count(p, table);
        }
        double warpSeconds = warp[0] / 1e9;
        double peerSeconds = peer[0] / 1e9;
        results.add(SCENARIO, "rows on the target", "rows", Better.NONE, warpRows, peerRows, copied);
        results.add(SCENARIO, "sink-only apply time (events in Kafka)", "s", Better.LOWER, warpSeconds, peerSeconds, copySeconds);
        results.add(SCENARIO, "sink-only apply rate", "rows/s", Better.HIGHER, rows / warpSeconds, rows / peerSeconds, copied / copySeconds);
        results.add(SCENARIO, "end to end (source start to all rows on target)", "s", Better.LOWER, e2eSeconds, Double.NaN, Double.NaN);
        results.add(SCENARIO, "end-to-end rate", "rows/s", Better.HIGHER, rows / e2eSeconds, Double.NaN, copied / copySeconds);
        results.add(SCENARIO, "Debezium source snapshot duration (context)", "s", Better.NONE, sourceSeconds, Double.NaN, Double.NaN);
        results.add(SCENARIO, "WAL retained by the slot at the end of the snapshot", "bytes", Better.LOWER, retained, Double.NaN,
                Double.NaN);
        results.add(SCENARIO, "topic bytes per snapshot record on the broker", "bytes", Better.LOWER, bytesPerRow, Double.NaN, Double.NaN);
        results.add(SCENARIO, "sink task-thread CPU per row", "µs", Better.LOWER, warp[1] / 1e3 / rows, peer[1] / 1e3 / rows, Double.NaN);
        results.add(SCENARIO, "whole-JVM CPU per row (sink-only window)", "µs", Better.LOWER, warp[2] / 1e3 / rows, peer[2] / 1e3 / rows,
                Double.NaN);
    }

    /** Starts one sink on the filled topic and returns {elapsed ns, task-thread CPU ns, process CPU ns}. */
    private long[] sinkOnly(String connector, String database, Map<String, String> config) throws Exception {
        try (TargetProbe probe = new TargetProbe(run.env().target(), database, run.connectors(), connector)) {
            CpuMeter.Mark cpu = CpuMeter.Mark.now(BenchRun.taskThread(connector));
            long t0 = System.nanoTime();
            run.connectors().deploy(connector, config);
            long done = probe.awaitRows(BenchSchema.SNAPSHOT_TABLE, "aid", run.options().rows, run.timeout());
            long[] r = {done - t0, cpu.connectorSince(), cpu.processSince()};
            LOG.info("{} sink-only: {} rows in {} s", connector, run.options().rows, r[0] / 1e9);
            return r;
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Bytes of WAL the slot holds on the source (current WAL position minus its restart LSN). */
    private long retainedWal(String slot) throws SQLException {
        try (Connection c = run.env().source().connect(run.sourceDatabase()); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT (pg_current_wal_lsn() - restart_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Debezium's own snapshot duration from its JMX metrics (same JVM), or NaN when it does not say. */
    private double sourceSnapshotSeconds() {
        try {
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server="
                    + run.connectors().prefix());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (mbeans.isRegistered(name) && Boolean.TRUE.equals(mbeans.getAttribute(name, "SnapshotCompleted"))) {
                    return ((Number) mbeans.getAttribute(name, "SnapshotDurationInSeconds")).doubleValue();
                }
                Thread.sleep(200);
            }
        } catch (Exception e) {
            LOG.warn("could not read Debezium's snapshot metrics", e);
        }
        return Double.NaN;
    }
}
