package io.citus.warp.bench;

import io.citus.warp.bench.BenchResults.Better;
import io.citus.warp.workload.TpcbWorkload;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streaming, with both sinks consuming the same topic into their own targets at the same time.
 * (1) Fixed rate: a TPC-B load at --tps for --seconds; per sink the applied rate, the replication delay
 * seen by a reader of the target, the catch-up time after the load stops and the consistency samples.
 * (2) Backlog drain: both sinks paused, an unthrottled load queued in Kafka, then each sink resumed alone:
 * the rate at which it drains the backlog is the highest load it sustains without falling behind.
 */
public final class StreamingScenario {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingScenario.class);
    static final String FIXED = "streaming";
    static final String DRAIN = "streaming backlog drain";
    static final String ALONE = "streaming, one sink at a time";
    static final String UNTHROTTLED = "streaming, unthrottled load, Warp alone";
    /** The delay bound of the one-sink-at-a-time steps: the highest rate whose delay p99 stays within it. */
    static final double ALONE_P99_BOUND_MS = 1_000;
    /** Row changes per TPC-B transaction: three updates and one insert. */
    static final int EVENTS_PER_TX = 4;

    private final BenchRun run;
    private final TpcbWorkload tpcb;

    public StreamingScenario(BenchRun run) {
        this.run = run;
        this.tpcb = new TpcbWorkload(run.options().branches, run.options().accountsPerBranch);
    }

    public void run() throws Exception {
        ensureDeployed();
        loadTables();
        fixedRate();
        if (run.options().unthrottledSeconds > 0) {
            unthrottled();
        }
        if (run.options().burstSeconds > 0) {
            backlogDrain();
        }
        if (!run.options().aloneRates.isEmpty()) {
            oneSinkAtATime();
        }
    }

    /**
     * Each sink alone (the other paused, so the two do not share the CPU): fixed TPC-B rates in ascending order, each for
     * --alone-seconds, the sink's replication delay p50/p99 and the capture delay upstream of it (Debezium to Kafka) per
     * step; then the highest rate whose delay p99 stayed within 1 s. Every rate runs, so the curve shows. The paused sink catches up before its own steps, which then start from a caught-up target.
     */
    private void oneSinkAtATime() throws Exception {
        BenchOptions o = run.options();
        Connectors connectors = run.connectors();
        String[][] sinks = sinks();
        List<Integer> rates = o.aloneRates.stream().sorted().toList();
        double[][] p50 = new double[2][rates.size()];
        double[][] p99 = new double[2][rates.size()];
        double[][] capture99 = new double[2][rates.size()];
        double[][] sourceTps = new double[2][rates.size()];
        double[] best = {0, 0};
        for (double[][] a : new double[][][] {p50, p99, capture99, sourceTps}) {
            for (double[] row : a) {
                java.util.Arrays.fill(row, Double.NaN);
            }
        }
        for (int i = 0; i < 2; i++) {
            String[] self = sinks[i];
            String[] other = sinks[1 - i];
            connectors.connect().pause(other[0]);
            connectors.awaitState(other[0], "PAUSED", Duration.ofSeconds(60));
            connectors.connect().resume(self[0]);
            connectors.awaitState(self[0], "RUNNING", Duration.ofSeconds(60));
            try (TargetProbe probe = new TargetProbe(run.env().target(), self[1], connectors, self[0])) {
                probe.awaitTpcb(sourceHistory(), sourceSums(), run.timeout());
                for (int step = 0; step < rates.size(); step++) {
                    int rate = rates.get(step);
                    DelaySampler delay = new DelaySampler(run.env().target(), self[1], o.sampleMillis).start(self[0]);
                    CaptureDelaySampler capture = new CaptureDelaySampler(run.env().bootstrapServers(), connectors).start();
                    delay.recording(true);
                    capture.recording(true);
                    long t0 = System.nanoTime();
                    long transactions = load(rate, o.aloneSeconds);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    delay.recording(false);
                    capture.recording(false);
                    Percentiles d = delay.stop();
                    Percentiles c = capture.stop();
                    probe.awaitTpcb(sourceHistory(), sourceSums(), run.timeout());
                    p50[i][step] = d.p50();
                    p99[i][step] = d.p99();
                    capture99[i][step] = c.p99();
                    sourceTps[i][step] = transactions / seconds;
                    LOG.info("{} alone at {} tx/s (source ran {} tx/s): delay p50 {} ms, p99 {} ms; capture p99 {} ms", self[0], rate,
                            Math.round(sourceTps[i][step]), Math.round(d.p50()), Math.round(d.p99()), Math.round(c.p99()));
                    if (d.p99() <= ALONE_P99_BOUND_MS) {
                        best[i] = Math.max(best[i], sourceTps[i][step]);
                    }
                }
            }
        }
        for (String[] sink : sinks) {
            connectors.connect().resume(sink[0]);
        }
        BenchResults r = run.results();
        for (int step = 0; step < rates.size(); step++) {
            int rate = rates.get(step);
            r.add(ALONE, "source transactions/s at --alone-rates " + rate, "tx/s", Better.NONE, sourceTps[0][step], sourceTps[1][step],
                    Double.NaN);
            r.add(ALONE, "replication delay p50 at " + rate + " tx/s", "ms", Better.LOWER, p50[0][step], p50[1][step], Double.NaN);
            r.add(ALONE, "replication delay p99 at " + rate + " tx/s", "ms", Better.LOWER, p99[0][step], p99[1][step], Double.NaN);
            r.add(ALONE, "capture delay p99 at " + rate + " tx/s (upstream, Debezium to Kafka)", "ms", Better.NONE, capture99[0][step],
                    capture99[1][step], Double.NaN);
        }
        r.add(ALONE, "highest rate with replication delay p99 <= 1 s (0: none of the rates)", "tx/s", Better.HIGHER, best[0], best[1],
                Double.NaN);
    }

    /** The source and both sinks, as the snapshot scenario leaves them, when streaming runs without it. */
    private void ensureDeployed() throws Exception {
        Connectors connectors = run.connectors();
        if (connectors.connect().connectors().contains("source")) {
            return;
        }
        Map<String, String> source = new java.util.LinkedHashMap<>(connectors.sourceConfig(BenchSchema.TABLES));
        source.putAll(run.options().sourceOverrides);
        run.results().config("Debezium PostgreSQL source (" + connectors.format().sourceTemplate() + ")", source);
        connectors.deploy(BenchRun.WARP, connectors.warpConfig(run.warpDatabase()));
        connectors.deploy(BenchRun.PEER, connectors.peerConfig(run.peerDatabase(), run.options()));
        connectors.deploy("source", source);
        for (String name : new String[] {"source", BenchRun.WARP, BenchRun.PEER}) {
            connectors.awaitState(name, "RUNNING", run.timeout());
        }
        try (TargetProbe probe = new TargetProbe(run.env().target(), run.warpDatabase(), connectors, BenchRun.WARP)) {
            probe.awaitRows(BenchSchema.SNAPSHOT_TABLE, "aid", run.options().rows, run.timeout());
        }
    }

    /**
     * An unthrottled TPC-B load for --unthrottled-seconds with Warp's sink running alone (the peer paused): how fast Debezium
     * captures it (change events into Kafka per second), when the last change is in Kafka and when it is applied on the
     * target, both counted from the end of the load; and what a record costs on the topic.
     */
    private void unthrottled() throws Exception {
        BenchOptions o = run.options();
        Connectors connectors = run.connectors();
        connectors.connect().pause(BenchRun.PEER);
        connectors.awaitState(BenchRun.PEER, "PAUSED", Duration.ofSeconds(60));
        try (TargetProbe probe = new TargetProbe(run.env().target(), run.warpDatabase(), connectors, BenchRun.WARP)) {
            probe.awaitTpcb(sourceHistory(), sourceSums(), run.timeout());
            CaptureDelaySampler capture = new CaptureDelaySampler(run.env().bootstrapServers(), connectors).start();
            TopicSize before = TopicSize.of(run.env().bootstrapServers(), connectors.topic());
            long historyBefore = sourceHistory();
            capture.recording(true);
            long t0 = System.nanoTime();
            long transactions = load(0, o.unthrottledSeconds);
            long tEnd = System.nanoTime();
            long history = sourceHistory();
            long[] sums = sourceSums();
            ExecutorService pool = Executors.newFixedThreadPool(1);
            double inKafka;
            long applied;
            try {
                Future<Double> settled = pool.submit(this::awaitTopicSettled);
                applied = probe.awaitTpcb(history, sums, run.timeout());
                inKafka = settled.get();
            } finally {
                pool.shutdownNow();
            }
            capture.recording(false);
            Percentiles captureDelay = capture.stop();
            TopicSize after = TopicSize.of(run.env().bootstrapServers(), connectors.topic());
            double loadSeconds = (tEnd - t0) / 1e9;
            long events = EVENTS_PER_TX * (history - historyBefore);
            BenchResults r = run.results();
            r.add(UNTHROTTLED, "source transactions/s (unthrottled, " + o.unthrottledSeconds + " s)", "tx/s", Better.NONE,
                    transactions / loadSeconds, Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "last change in Kafka, after the load stopped", "s", Better.LOWER, inKafka, Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "last change applied on the target, after the load stopped", "s", Better.LOWER, (applied - tEnd) / 1e9,
                    Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "capture rate (change events into Kafka, load start to last change)", "events/s", Better.HIGHER,
                    events / (loadSeconds + inKafka), Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "capture delay p99 (source commit to record in Kafka)", "ms", Better.LOWER, captureDelay.p99(),
                    Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "topic bytes per record on the broker (change events and BEGIN/END)", "bytes", Better.LOWER,
                    after.bytesPerRecordSince(before), Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "serialized bytes per record (key+value+headers, before compression)", "bytes", Better.LOWER,
                    capture.serializedBytesPerRecord(), Double.NaN, Double.NaN);
            r.add(UNTHROTTLED, "records per TPC-B transaction on the topic", "records", Better.NONE,
                    (double) after.recordsSince(before) / Math.max(1, history - historyBefore), Double.NaN, Double.NaN);
            LOG.info("unthrottled: {} tx in {} s; last change in Kafka {} s and applied {} s after the load", transactions, loadSeconds,
                    inKafka, (applied - tEnd) / 1e9);
        } finally {
            connectors.connect().resume(BenchRun.PEER);
            connectors.awaitState(BenchRun.PEER, "RUNNING", Duration.ofSeconds(60));
            try (TargetProbe peer = new TargetProbe(run.env().target(), run.peerDatabase(), connectors, BenchRun.PEER)) {
                peer.awaitTpcb(sourceHistory(), sourceSums(), run.timeout());
            }
        }
    }

    /** Fills the TPC-B tables on the source (streamed inserts) and waits for both targets to have them. */
    private void loadTables() throws Exception {
        try (Connection src = source()) {
            src.setAutoCommit(false);
            tpcb.load(src);
            src.commit();
        }
        for (String[] sink : sinks()) {
            try (TargetProbe probe = new TargetProbe(run.env().target(), sink[1], run.connectors(), sink[0])) {
                probe.awaitRows("pgbench_accounts", "aid", tpcb.accounts(), run.timeout());
            }
        }
        LOG.info("TPC-B tables ({} accounts) on both targets at {}", tpcb.accounts(), java.time.Instant.now());
    }

    private void fixedRate() throws Exception {
        BenchOptions o = run.options();
        List<DelaySampler> delays = new ArrayList<>();
        List<ConsistencyReader> readers = new ArrayList<>();
        List<CpuMeter.Mark> cpu = new ArrayList<>();
        for (String[] sink : sinks()) {
            delays.add(new DelaySampler(run.env().target(), sink[1], o.sampleMillis).start(sink[0]));
            readers.add(new ConsistencyReader(run.env().target(), sink[1], 20).start(sink[0]));
        }
        CaptureDelaySampler capture = new CaptureDelaySampler(run.env().bootstrapServers(), run.connectors()).start();
        TopicSize topicBefore = TopicSize.of(run.env().bootstrapServers(), run.connectors().topic());
        long historyBefore = sourceHistory();
        for (String[] sink : sinks()) {
            cpu.add(CpuMeter.Mark.now(BenchRun.taskThread(sink[0])));
        }
        delays.forEach(d -> d.recording(true));
        capture.recording(true);
        long t0 = System.nanoTime();
        long transactions = load(o.tps, o.seconds);
        long tEnd = System.nanoTime();
        delays.forEach(d -> d.recording(false));
        capture.recording(false);
        Percentiles captureDelay = capture.stop();
        double loadSeconds = (tEnd - t0) / 1e9;
        long history = sourceHistory();
        long[] sums = sourceSums();
        LOG.info("fixed-rate load: {} transactions in {} s ({} tx/s)", transactions, loadSeconds, transactions / loadSeconds);

        long[] caughtUp = awaitBoth(history, sums);
        TopicSize topicAfter = TopicSize.of(run.env().bootstrapServers(), run.connectors().topic());
        long[] cpuNanos = {cpu.get(0).connectorSince(), cpu.get(1).connectorSince()};
        Percentiles[] delay = {delays.get(0).stop(), delays.get(1).stop()};
        ConsistencyReader.Result[] consistency = {readers.get(0).stop(), readers.get(1).stop()};
        long applied = history - historyBefore;
        double[] applySeconds = {(caughtUp[0] - t0) / 1e9, (caughtUp[1] - t0) / 1e9};

        BenchResults r = run.results();
        double sourceTps = applied / loadSeconds;
        r.add(FIXED, "source transactions/s (target --tps " + o.tps + ")", "tx/s", Better.NONE, sourceTps, sourceTps, Double.NaN);
        r.add(FIXED, "applied transactions/s (load start to caught up)", "tx/s", Better.HIGHER,
                applied / applySeconds[0], applied / applySeconds[1], Double.NaN);
        r.add(FIXED, "applied events/s (load start to caught up)", "events/s", Better.HIGHER,
                EVENTS_PER_TX * applied / applySeconds[0], EVENTS_PER_TX * applied / applySeconds[1], Double.NaN);
        r.add(FIXED, "replication delay p50", "ms", Better.LOWER, delay[0].p50(), delay[1].p50(), Double.NaN);
        r.add(FIXED, "replication delay p99", "ms", Better.LOWER, delay[0].p99(), delay[1].p99(), Double.NaN);
        r.add(FIXED, "replication delay max", "ms", Better.LOWER, delay[0].max(), delay[1].max(), Double.NaN);
        r.add(FIXED, "delay samples", "samples", Better.NONE, delay[0].count(), delay[1].count(), Double.NaN);
        // Upstream of both sinks (Debezium to Kafka), for reading the two above: same value in both columns.
        r.add(FIXED, "capture delay p50 (source commit to record in Kafka)", "ms", Better.NONE, captureDelay.p50(), captureDelay.p50(),
                Double.NaN);
        r.add(FIXED, "capture delay p99 (source commit to record in Kafka)", "ms", Better.NONE, captureDelay.p99(), captureDelay.p99(),
                Double.NaN);
        r.add(FIXED, "topic bytes per record on the broker (change events and BEGIN/END)", "bytes", Better.LOWER,
                topicAfter.bytesPerRecordSince(topicBefore), topicAfter.bytesPerRecordSince(topicBefore), Double.NaN);
        r.add(FIXED, "serialized bytes per record (key+value+headers, before compression)", "bytes", Better.LOWER,
                capture.serializedBytesPerRecord(), capture.serializedBytesPerRecord(), Double.NaN);
        r.add(FIXED, "catch-up time after the load stopped", "s", Better.LOWER,
                (caughtUp[0] - tEnd) / 1e9, (caughtUp[1] - tEnd) / 1e9, Double.NaN);
        r.add(FIXED, "consistency samples (balance sums read)", "samples", Better.NONE,
                consistency[0].samples(), consistency[1].samples(), Double.NaN);
        r.add(FIXED, "consistency violations (sums disagreed)", "samples", Better.LOWER,
                consistency[0].violations(), consistency[1].violations(), Double.NaN);
        r.add(FIXED, "sink task-thread CPU per event", "µs", Better.LOWER,
                cpuNanos[0] / 1e3 / (EVENTS_PER_TX * applied), cpuNanos[1] / 1e3 / (EVENTS_PER_TX * applied), Double.NaN);
        for (int i = 0; i < 2; i++) {
            if (consistency[i].firstViolation() != null) {
                r.note(sinks()[i][0] + ": first inconsistent sample (sum abalance/tbalance/bbalance) " + consistency[i].firstViolation());
            }
        }
    }

    private void backlogDrain() throws Exception {
        BenchOptions o = run.options();
        Connectors connectors = run.connectors();
        for (String[] sink : sinks()) {
            connectors.connect().pause(sink[0]);
        }
        for (String[] sink : sinks()) {
            connectors.awaitState(sink[0], "PAUSED", Duration.ofSeconds(60));
        }
        long historyBefore = sourceHistory();
        long t0 = System.nanoTime();
        load(0, o.burstSeconds);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long history = sourceHistory();
        long[] sums = sourceSums();
        long backlog = history - historyBefore;
        LOG.info("backlog: {} transactions queued in {} s with both sinks paused", backlog, loadSeconds);
        // The drains below must be bound by the sinks alone, not by Debezium still publishing the backlog.
        double publishSeconds = awaitTopicSettled();
        LOG.info("the source connector finished publishing the backlog {} s after the load stopped", publishSeconds);

        double[] seconds = new double[2];
        double[] taskCpu = new double[2];
        double[] processCpu = new double[2];
        String[][] sinks = sinks();
        for (int i = 0; i < 2; i++) {
            try (TargetProbe probe = new TargetProbe(run.env().target(), sinks[i][1], connectors, sinks[i][0])) {
                CpuMeter.Mark cpu = CpuMeter.Mark.now(BenchRun.taskThread(sinks[i][0]));
                long s0 = System.nanoTime();
                connectors.connect().resume(sinks[i][0]);
                long done = probe.awaitTpcb(history, sums, run.timeout());
                seconds[i] = (done - s0) / 1e9;
                taskCpu[i] = cpu.connectorSince();
                processCpu[i] = cpu.processSince();
                LOG.info("{} drained {} transactions in {} s", sinks[i][0], backlog, seconds[i]);
            }
        }
        BenchResults r = run.results();
        double events = (double) EVENTS_PER_TX * backlog;
        r.add(DRAIN, "backlog queued with both sinks paused (unthrottled load, " + o.burstSeconds + " s)", "tx", Better.NONE,
                backlog, backlog, Double.NaN);
        r.add(DRAIN, "Debezium still publishing after the load stopped (context; sinks paused)", "s", Better.NONE,
                publishSeconds, publishSeconds, Double.NaN);
        r.add(DRAIN, "drain time", "s", Better.LOWER, seconds[0], seconds[1], Double.NaN);
        r.add(DRAIN, "max sustained apply rate", "tx/s", Better.HIGHER, backlog / seconds[0], backlog / seconds[1], Double.NaN);
        r.add(DRAIN, "max sustained apply rate", "events/s", Better.HIGHER, events / seconds[0], events / seconds[1], Double.NaN);
        r.add(DRAIN, "sink task-thread CPU per event", "µs", Better.LOWER, taskCpu[0] / 1e3 / events, taskCpu[1] / 1e3 / events,
                Double.NaN);
        r.add(DRAIN, "whole-JVM CPU per event (drain window)", "µs", Better.LOWER, processCpu[0] / 1e3 / events,
                processCpu[1] / 1e3 / events, Double.NaN);
    }

    /**
     * Waits until the topic's end offset has not moved for 3 s (Debezium's heartbeat is 10 s apart) and
     * returns how long it kept moving, in seconds.
     */
    private double awaitTopicSettled() throws Exception {
        TopicPartition partition = new TopicPartition(run.connectors().topic(), 0);
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, run.env().bootstrapServers()))) {
            long last = -1;
            long lastChange = System.nanoTime();
            long deadline = t0 + run.timeout().toNanos();
            while (System.nanoTime() - lastChange < 3_000_000_000L) {
                long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
                if (end != last) {
                    last = end;
                    lastChange = System.nanoTime();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the source connector was still publishing after " + run.timeout().toSeconds() + "s");
                }
                Thread.sleep(250);
            }
            return (lastChange - t0) / 1e9;
        }
    }

    private String[][] sinks() {
        return new String[][] {{BenchRun.WARP, run.warpDatabase()}, {BenchRun.PEER, run.peerDatabase()}};
    }

    /** Waits for both sinks in parallel (neither wait delays the other's finish time); returns nanoTime of each. */
    private long[] awaitBoth(long history, long[] sums) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (String[] sink : sinks()) {
                done.add(pool.submit(() -> {
                    try (TargetProbe probe = new TargetProbe(run.env().target(), sink[1], run.connectors(), sink[0])) {
                        return probe.awaitTpcb(history, sums, run.timeout());
                    }
                }));
            }
            return new long[] {done.get(0).get(), done.get(1).get()};
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs the TPC-B load on the source with --threads clients for {@code seconds}; 0 tps = unthrottled. */
    private long load(int tps, int seconds) throws Exception {
        int threads = run.options().threads;
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> clients = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int share = tps == 0 ? 0 : Math.max(1, tps / threads + (i < tps % threads ? 1 : 0));
                clients.add(pool.submit(() -> tpcb.run(this::sourceUnchecked, stop::get, share)));
            }
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            long total = 0;
            for (Future<Long> f : clients) {
                total += f.get();
            }
            return total;
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private Connection source() throws SQLException {
        return run.env().source().connect(run.sourceDatabase());
    }

    private Connection sourceUnchecked() {
        try {
            return source();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long sourceHistory() throws SQLException {
        try (Connection c = source(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_history")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long[] sourceSums() throws SQLException {
        try (Connection c = source()) {
            return TpcbWorkload.balanceSums(c);
        }
    }
}
