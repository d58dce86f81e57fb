package io.citus.warp.bench;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.runtime.ChangeTopic;
import io.citus.warp.runtime.KafkaClients;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.bench.BenchResults.Better;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warp's own base copy (io.citus.warp.basecopy), as {@code warp start} runs it. (1) Rows/s against the number of
 * parallel COPY streams, each run into a fresh target database under its own slot. (2) End to end at the default
 * parallelism: from the call that creates the slot to every row on the target with the Debezium source streaming from
 * that slot ({@code snapshot.mode=no_data}) and Warp's sink applying, both deployed as soon as the slot exists (as
 * {@code warp start} does): the clock stops when a change made on the source after the copy is on the target. (3) The same COPY limit as the snapshot scenario, measured here in the same minute.
 */
public final class BaseCopyScenario {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyScenario.class);
    static final String SCENARIO = "base copy";
    static final String SINK = "warp-basecopy-sink";
    static final String SOURCE = "basecopy-source";

    private final BenchRun run;

    public BaseCopyScenario(BenchRun run) {
        this.run = run;
    }

    public void run() throws Exception {
        BenchEnvironment env = run.env();
        BenchResults results = run.results();
        BenchOptions o = run.options();
        int rows = o.rows;
        String table = BenchSchema.SNAPSHOT_TABLE;
        PgEndpoint source = endpoint(env.sourceServer(), run.sourceDatabase());
        List<TableCopy> tables = new ArrayList<>();
        for (String t : BenchSchema.TABLES.split(",")) {
            tables.add(TableCopy.same(TableName.parse(t)));
        }
        String prefix = run.connectors().prefix() + "bc";

        // (1) rows/s against parallel streams
        for (int streams : o.copyStreams) {
            String db = env.createTargetDatabase("bench_bc_" + streams);
            String slot = "slot_" + prefix + "_" + streams;
            CpuMeter.Mark cpu = CpuMeter.Mark.now("warp-basecopy");
            BaseCopy.Result r = new BaseCopy(source, endpoint(env.target(), db), "warp",
                    new BaseCopyOptions(streams, o.copyRangeRows, o.copyBinary), LOG::info).run(slot, "pub_" + prefix, tables);
            long retained = retainedWal(slot);
            dropSlot(slot);
            check(db, table, rows);
            LOG.info("base copy, {} stream(s): {} rows in {} ms ({} ranges), WAL retained {} bytes", streams, r.rows(), r.millis(),
                    r.ranges(), retained);
            results.add(SCENARIO, "copy rate, " + streams + " stream(s)", "rows/s", Better.HIGHER, r.rowsPerSecond(), Double.NaN, Double.NaN);
            results.add(SCENARIO, "whole-JVM CPU per row, " + streams + " stream(s)", "µs", Better.LOWER,
                    cpu.processSince() / 1e3 / r.rows(), Double.NaN, Double.NaN);
        }

        // (2) end to end at the default parallelism, as warp start runs it: both connectors deployed as soon as the slot
        // exists (their start-up overlaps the copy), the sink holding the stream until the copy has finished.
        int streams = BaseCopyOptions.defaultParallelism();
        String db = env.createTargetDatabase("bench_bc_e2e");
        Connectors bc = new Connectors(env, prefix, run.sourceDatabase(), run.connectors().format(), run.connectors().sourceEdits());
        String slot = "slot_" + prefix;
        Map<String, String> sink = bc.warpConfig(db);
        sink.put("progress.stream", bc.topic());
        sink.put("base.copy.slot", slot);
        Map<String, String> sourceConfig = new LinkedHashMap<>(bc.sourceConfig(BenchSchema.TABLES));
        sourceConfig.putAll(BaseCopy.SOURCE_SETTINGS);
        results.config("Debezium PostgreSQL source streaming from the base copy's slot", sourceConfig);
        long[] deployed = {0};
        BaseCopy.Streaming connectors = new BaseCopy.Streaming() {
            @Override
            public void start() {
                // As warp start does: the topic exists before the connectors, so nothing waits for its creation later.
                ChangeTopic.ensure(KafkaClients.of(env.bootstrapServers()), bc.topic(), sourceConfig, LOG::info);
                bc.deploy(SOURCE, sourceConfig);
                bc.deploy(SINK, sink);
                deployed[0] = System.nanoTime();
            }

            @Override
            public void stop() {
                throw new IllegalStateException("the bench's copy is not started over");
            }
        };
        long t0 = System.nanoTime();
        BaseCopy.Result r = new BaseCopy(source, endpoint(env.target(), db), "warp",
                new BaseCopyOptions(streams, o.copyRangeRows, o.copyBinary), LOG::info).run(slot, "pub_" + prefix, tables, connectors);
        long copied = System.nanoTime();
        long retained = retainedWal(slot);
        bc.awaitState(SOURCE, "RUNNING", run.timeout());
        long running = System.nanoTime();
        long marker;
        try (Connection c = env.source().connect(run.sourceDatabase()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET abalance = abalance - 1 WHERE aid = " + rows);
        }
        try (Connection t = env.target().connect(db); PreparedStatement ps = t.prepareStatement(
                "SELECT abalance FROM " + table + " WHERE aid = ?")) {
            ps.setInt(1, rows);
            long deadline = System.nanoTime() + run.timeout().toNanos();
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) == -1) {
                        marker = System.nanoTime();
                        break;
                    }
                }
                bc.checkNotFailed(SINK);
                bc.checkNotFailed(SOURCE);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the change made after the base copy did not reach the target");
                }
                Thread.sleep(20);
            }
        }
        try (Connection c = env.source().connect(run.sourceDatabase()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET abalance = abalance + 1 WHERE aid = " + rows);
        }
        check(db, table, rows);
        double e2e = (marker - t0) / 1e9;
        double copySeconds = (copied - t0) / 1e9;
        double deploySeconds = (running - copied) / 1e9;
        double firstChangeSeconds = (marker - running) / 1e9;
        LOG.info("base copy end to end: {} s (copy {} s, {} streams, connectors deployed {} s after the start; after the copy, "
                + "source RUNNING {} s later, then first change applied {} s), WAL retained at the end of the copy {} bytes", e2e,
                copySeconds, streams, (deployed[0] - t0) / 1e9, deploySeconds, firstChangeSeconds, retained);
        bc.delete(SOURCE);
        bc.delete(SINK);
        dropSlotEventually(slot);

        // (3) the limit, measured now
        String copyDatabase = env.createTargetDatabase("bench_bc_limit");
        long c0 = System.nanoTime();
        long limitRows = CopyLimit.copy(env.sourceServer(), run.sourceDatabase(), env.target(), copyDatabase, table);
        double limitRate = limitRows / ((System.nanoTime() - c0) / 1e9);

        results.add(SCENARIO, "end to end (slot created to all rows on target and a later change applied), " + streams + " streams",
                "s", Better.LOWER, e2e, Double.NaN, limitRows / limitRate);
        results.add(SCENARIO, "end-to-end rate", "rows/s", Better.HIGHER, rows / e2e, Double.NaN, limitRate);
        results.add(SCENARIO, "copy alone (slot created to last range committed)", "s", Better.LOWER, copySeconds, Double.NaN, Double.NaN);
        results.add(SCENARIO, "copy-alone rate", "rows/s", Better.HIGHER, rows / copySeconds, Double.NaN, limitRate);
        results.add(SCENARIO, "connectors deployed (slot recorded) after the start", "s", Better.NONE, (deployed[0] - t0) / 1e9,
                Double.NaN, Double.NaN);
        results.add(SCENARIO, "then: after the copy, until the Debezium source was RUNNING (0: already)", "s", Better.NONE,
                deploySeconds, Double.NaN, Double.NaN);
        results.add(SCENARIO, "then: first change after the copy applied (incl. topic creation, sink partition assignment)", "s",
                Better.NONE, firstChangeSeconds, Double.NaN, Double.NaN);
        results.add(SCENARIO, "WAL retained by the slot at the end of the copy", "bytes", Better.LOWER, retained, Double.NaN, Double.NaN);
    }

    static PgEndpoint endpoint(BenchEnvironment.Server server, String database) {
        return new PgEndpoint(server.host(), server.port(), database, server.user(), server.password() == null ? "" : server.password(),
                Map.of());
    }

    private void check(String db, String table, long rows) throws SQLException {
        try (Connection t = run.env().target().connect(db); Statement s = t.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) != rows) {
                throw new IllegalStateException("base copy left " + rs.getLong(1) + " rows in " + table + ", expected " + rows);
            }
        }
    }

    private long retainedWal(String slot) throws SQLException {
        return SourceSlots.retainedWal(run.env().sourceServer(), run.sourceDatabase(), slot);
    }

    private void dropSlot(String slot) throws SQLException {
        SourceSlots.drop(run.env().sourceServer(), run.sourceDatabase(), slot);
    }

    private void dropSlotEventually(String slot) throws Exception {
        SourceSlots.dropEventually(run.env().sourceServer(), run.sourceDatabase(), slot);
    }
}
