package io.citus.warp.sink.metrics;

import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.progress.BaseCopyGate;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The sink task's metrics, as Connect plugin metrics (KIP-877; JMX {@code kafka.connect:type=plugins,connector=...,task=...})
 * and as a periodic INFO line. Cumulative counts end in {@code -total}, as Kafka's own; gauges are read when scraped, so the
 * lag rises while nothing is applied ({@link StreamLag}). Every metric is listed in {@link #METRICS} and documented in
 * {@code docs/metrics.md}. The task calls the small hooks below; the logic stays here.
 */
public final class SinkMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkMetrics.class);

    /** A metric's name and description, as registered. */
    public record Metric(String name, String description) {
    }

    public static final Metric TRANSACTIONS = new Metric("transactions-applied-total", "Source transactions applied to the target");
    public static final Metric CHANGES = new Metric("changes-applied-total", "Row changes applied by streamed transactions");
    public static final Metric SNAPSHOT_ROWS = new Metric("snapshot-rows-applied-total", "Rows of Debezium's snapshot loaded by the sink");
    public static final Metric TARGET_COMMITS = new Metric("target-commits-total",
            "Target transactions committed for streamed changes (a group of source transactions each)");
    public static final Metric RETRIES = new Metric("retries-total", "Transient failures of the target retried");
    public static final Metric DUPLICATES = new Metric("duplicate-transactions-skipped-total",
            "Source transactions received again and skipped (already applied)");
    public static final Metric LOGICAL_MESSAGES = new Metric("logical-messages-skipped-total",
            "Logical decoding messages (pg_logical_emit_message) passed over: not table data");
    public static final Metric LAG = new Metric("replication-lag-ms",
            "Now minus the source commit time of the oldest transaction not applied yet (0 when nothing waits), read at scrape time");
    public static final Metric LSN_LAG = new Metric("lsn-lag-bytes",
            "WAL bytes from the last applied commit LSN to the newest source LSN received (0 when nothing received waits)");
    public static final Metric PENDING = new Metric("records-pending",
            "Records in the topic after the last applied one: held, buffered, queued, or not yet received");
    public static final Metric QUEUED = new Metric("queued-work-units", "Complete transactions and parts waiting in the apply queue");
    public static final Metric LAST_LSN = new Metric("last-applied-commit-lsn", "Commit LSN of the last applied source transaction (-1: none yet)");
    public static final Metric LAST_SOURCE_TIME = new Metric("last-applied-source-commit-time-ms",
            "Source commit time (epoch ms) of the last applied transaction or heartbeat (-1: none yet)");
    public static final Metric LAST_APPLY = new Metric("last-apply-time-ms",
            "Wall-clock time (epoch ms) of the last target commit of streamed transactions (-1: none yet)");
    public static final Metric MAX_GROUP = new Metric("max-group-transactions", "Largest number of source transactions in one target commit");
    public static final Metric HELD = new Metric("held-for-base-copy", "1 while the sink holds the stream until Warp's base copy has finished, else 0");
    public static final Metric COPY_RANGES_DONE = new Metric("base-copy-ranges-copied", "Base copy ranges committed on the target (-1: no base copy)");
    public static final Metric COPY_RANGES = new Metric("base-copy-ranges", "Base copy ranges planned (-1: no base copy)");
    public static final Metric COPY_ROWS_DONE = new Metric("base-copy-rows-copied", "Rows the base copy has committed on the target (-1: no base copy)");
    public static final Metric COPY_ROWS = new Metric("base-copy-rows-estimated", "Rows the base copy expects, from the source's statistics (-1: no base copy)");

    public static final List<Metric> METRICS = List.of(TRANSACTIONS, CHANGES, SNAPSHOT_ROWS, TARGET_COMMITS, RETRIES, DUPLICATES,
            LOGICAL_MESSAGES, LAG, LSN_LAG, PENDING, QUEUED, LAST_LSN, LAST_SOURCE_TIME, LAST_APPLY, MAX_GROUP, HELD,
            COPY_RANGES_DONE, COPY_RANGES, COPY_ROWS_DONE, COPY_ROWS);

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong snapshotRows = new AtomicLong();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong maxGroupTransactions = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong skippedDuplicates = new AtomicLong();
    private final AtomicLong logicalMessages = new AtomicLong();
    private volatile boolean held;
    private volatile BaseCopyGate.State baseCopy;
    private volatile IntSupplier queueDepth = () -> 0;
    private final StreamLag lag;
    private TopicEndProbe probe;

    private final LongSupplier clock;
    private final long summaryIntervalMs;
    private long nextSummaryAt;
    private long transactionsAtLastSummary;
    private long changesAtLastSummary;
    private long lastSummaryAt;

    public SinkMetrics(long summaryIntervalMs) {
        this(summaryIntervalMs, System::currentTimeMillis);
    }

    public SinkMetrics(long summaryIntervalMs, LongSupplier clock) {
        this.clock = clock;
        this.lag = new StreamLag(clock);
        this.summaryIntervalMs = summaryIntervalMs;
        this.lastSummaryAt = clock.getAsLong();
        this.nextSummaryAt = lastSummaryAt + summaryIntervalMs;
    }

    /** Registers every metric with Connect (Kafka 4.1+ plugin metrics); absent on older workers. */
    public void register(PluginMetrics metrics) {
        if (metrics == null) {
            return;
        }
        gauge(metrics, TRANSACTIONS, transactions::get);
        gauge(metrics, CHANGES, changes::get);
        gauge(metrics, SNAPSHOT_ROWS, snapshotRows::get);
        gauge(metrics, TARGET_COMMITS, groups::get);
        gauge(metrics, RETRIES, retries::get);
        gauge(metrics, DUPLICATES, skippedDuplicates::get);
        gauge(metrics, LOGICAL_MESSAGES, logicalMessages::get);
        gauge(metrics, LAG, lag::lagMs);
        gauge(metrics, LSN_LAG, lag::lsnLagBytes);
        gauge(metrics, PENDING, lag::pendingRecords);
        gauge(metrics, QUEUED, () -> queueDepth.getAsInt());
        gauge(metrics, LAST_LSN, lag::lastAppliedCommitLsn);
        gauge(metrics, LAST_SOURCE_TIME, lag::lastAppliedSourceTimeMs);
        gauge(metrics, LAST_APPLY, lag::lastApplyAtMs);
        gauge(metrics, MAX_GROUP, maxGroupTransactions::get);
        gauge(metrics, HELD, () -> held ? 1 : 0);
        gauge(metrics, COPY_RANGES_DONE, () -> baseCopy == null ? -1 : baseCopy.rangesCopied());
        gauge(metrics, COPY_RANGES, () -> baseCopy == null ? -1 : baseCopy.rangesTotal());
        gauge(metrics, COPY_ROWS_DONE, () -> baseCopy == null ? -1 : baseCopy.rowsCopied());
        gauge(metrics, COPY_ROWS, () -> baseCopy == null ? -1 : baseCopy.rowsEstimated());
    }

    private static void gauge(PluginMetrics metrics, Metric metric, LongSupplier value) {
        MetricName metricName = metrics.metricName(metric.name(), metric.description(), new LinkedHashMap<>());
        metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.getAsLong());
    }

    /** The apply queue's depth, read at scrape time. */
    public void watchQueue(IntSupplier depth) {
        this.queueDepth = depth;
    }

    /**
     * Lets the lag see records waiting in Kafka while the task receives none (paused, held): the change topic's single
     * partition and the sink's consumer group, asked every few seconds. Without Kafka settings nothing is asked.
     */
    public void watchTopic(Map<String, Object> adminSettings, String topic, String consumerGroup) {
        if (adminSettings != null && topic != null && !topic.isBlank() && probe == null) {
            probe = new TopicEndProbe(adminSettings, new TopicPartition(topic.trim(), 0), consumerGroup, lag);
        }
    }

    /** Hook: records reached {@code put()} (held, retried or new). */
    public void received(Collection<SinkRecord> records) {
        for (SinkRecord r : records) {
            lag.received(r.originalKafkaOffset(), RecordSourceTime.timeMs(r), RecordSourceTime.lsn(r));
        }
    }

    /** Hook: every record up to this Kafka offset is applied (or carried nothing to apply). */
    public void applied(long kafkaOffset) {
        lag.applied(kafkaOffset);
    }

    /** Hook: the base copy's state, as the task last read it. */
    public void baseCopy(BaseCopyGate.State state) {
        baseCopy = state;
        held = !state.finished();
    }

    /** Hook: a target commit of {@code count} source transactions (0: snapshot rows only). */
    public void transactionsApplied(int count, long changeCount, long commitLsn, long commitTsMs) {
        if (count == 0) {
            snapshotRows.addAndGet(changeCount);
            return;
        }
        transactions.addAndGet(count);
        changes.addAndGet(changeCount);
        groups.incrementAndGet();
        maxGroupTransactions.accumulateAndGet(count, Math::max);
        lag.committed(commitLsn, commitTsMs);
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public void duplicateSkipped() {
        skippedDuplicates.incrementAndGet();
    }

    public void logicalMessageSkipped() {
        logicalMessages.incrementAndGet();
    }

    /** Logs one summary line when the interval has passed. */
    public void maybeLogSummary(String stream) {
        long now = clock.getAsLong();
        if (now < nextSummaryAt) {
            return;
        }
        double seconds = Math.max(1, now - lastSummaryAt) / 1000.0;
        long tx = transactions.get();
        long ch = changes.get();
        long lsn = lag.lastAppliedCommitLsn();
        LOG.info("{}: applied {} source transactions ({}/s), {} changes ({}/s), {} snapshot rows in total; last commit LSN {}, "
                        + "lag {} ms, {} records pending, {} retries, {} duplicate transactions skipped, {} logical decoding messages passed over",
                stream, tx, Math.round((tx - transactionsAtLastSummary) / seconds), ch,
                Math.round((ch - changesAtLastSummary) / seconds), snapshotRows.get(),
                lsn < 0 ? "-" : Lsn.format(lsn), lag.lagMs(), lag.pendingRecords(), retries.get(), skippedDuplicates.get(),
                logicalMessages.get());
        transactionsAtLastSummary = tx;
        changesAtLastSummary = ch;
        lastSummaryAt = now;
        nextSummaryAt = now + summaryIntervalMs;
    }

    /** Stops asking Kafka. */
    @Override
    public void close() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }
}
