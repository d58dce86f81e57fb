package io.citus.warp.sink.metrics;

import io.citus.warp.sink.event.Lsn;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the sink has applied, as Connect plugin metrics (JMX: kafka.connect:type=plugins,...) and as a
 * periodic INFO line: transactions and changes applied, last source commit LSN and time, replication
 * delay (source commit to target commit), group sizes and retries.
 */
public final class SinkMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(SinkMetrics.class);

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong snapshotRows = new AtomicLong();
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong maxGroupTransactions = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong skippedDuplicates = new AtomicLong();
    private final AtomicLong logicalMessages = new AtomicLong();
    private volatile long lastCommitLsn = -1;
    private volatile long lastCommitTsMs = -1;
    private volatile long lastDelayMs = -1;

    private final long summaryIntervalMs;
    private long nextSummaryAt;
    private long transactionsAtLastSummary;
    private long changesAtLastSummary;
    private long lastSummaryAt;

    public SinkMetrics(long summaryIntervalMs) {
        this.summaryIntervalMs = summaryIntervalMs;
        this.lastSummaryAt = System.currentTimeMillis();
        this.nextSummaryAt = lastSummaryAt + summaryIntervalMs;
    }

    /** Registers the gauges with Connect (Kafka 4.1+ plugin metrics); absent on older workers. */
    public void register(PluginMetrics metrics) {
        if (metrics == null) {
            return;
        }
        gauge(metrics, "transactions-applied", "Source transactions applied to the target", transactions::get);
        gauge(metrics, "changes-applied", "Row changes applied by streamed transactions", changes::get);
        gauge(metrics, "snapshot-rows-applied", "Snapshot rows loaded", snapshotRows::get);
        gauge(metrics, "target-commits", "Target transactions committed for streamed changes (group commits)", groups::get);
        gauge(metrics, "max-group-transactions", "Largest number of source transactions in one target commit", maxGroupTransactions::get);
        gauge(metrics, "retries", "Transient failures retried", retries::get);
        gauge(metrics, "duplicate-transactions-skipped", "Source transactions received again and skipped (already applied)",
                skippedDuplicates::get);
        gauge(metrics, "logical-messages-skipped", "Logical decoding messages (pg_logical_emit_message) passed over: not table data",
                logicalMessages::get);
        gauge(metrics, "last-commit-lsn", "Commit LSN of the last applied source transaction", () -> lastCommitLsn);
        gauge(metrics, "last-source-commit-time-ms", "Source commit time of the last applied transaction", () -> lastCommitTsMs);
        gauge(metrics, "replication-delay-ms", "Source commit to target commit of the last applied transaction", () -> lastDelayMs);
    }

    private static void gauge(PluginMetrics metrics, String name, String doc, LongSupplier value) {
        MetricName metricName = metrics.metricName(name, doc, new LinkedHashMap<>());
        metrics.addMetric(metricName, (Gauge<Long>) (config, now) -> value.getAsLong());
    }

    public void transactionsApplied(int count, long changeCount, long commitLsn, long commitTsMs) {
        if (count == 0) {
            snapshotRows.addAndGet(changeCount);
            return;
        }
        transactions.addAndGet(count);
        changes.addAndGet(changeCount);
        groups.incrementAndGet();
        maxGroupTransactions.accumulateAndGet(count, Math::max);
        lastCommitLsn = commitLsn;
        if (commitTsMs > 0) {
            lastCommitTsMs = commitTsMs;
            lastDelayMs = Math.max(0, System.currentTimeMillis() - commitTsMs);
        }
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
        long now = System.currentTimeMillis();
        if (now < nextSummaryAt) {
            return;
        }
        double seconds = Math.max(1, now - lastSummaryAt) / 1000.0;
        long tx = transactions.get();
        long ch = changes.get();
        LOG.info("{}: applied {} source transactions ({}/s), {} changes ({}/s), {} snapshot rows in total; last commit LSN {}, "
                        + "replication delay {} ms, {} retries, {} duplicate transactions skipped, {} logical decoding messages passed over",
                stream, tx, Math.round((tx - transactionsAtLastSummary) / seconds), ch,
                Math.round((ch - changesAtLastSummary) / seconds), snapshotRows.get(),
                lastCommitLsn < 0 ? "-" : Lsn.format(lastCommitLsn), lastDelayMs, retries.get(), skippedDuplicates.get(), logicalMessages.get());
        transactionsAtLastSummary = tx;
        changesAtLastSummary = ch;
        lastSummaryAt = now;
        nextSummaryAt = now + summaryIntervalMs;
    }
}
