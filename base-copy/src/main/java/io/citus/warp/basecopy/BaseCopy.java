package io.citus.warp.basecopy;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Warp's own initial load: publication, then a logical slot with an exported snapshot, then every table copied
 * by parallel {@code COPY} streams under that snapshot, each range committed on the target with its progress row.
 * Afterwards Debezium streams from the slot with {@code snapshot.mode=no_data}: with no stored offsets it starts at
 * the slot's confirmed flush LSN (its consistent point), so the change stream begins exactly after the copied state.
 *
 * <p>Streaming starts as soon as the slot exists ({@link Streaming#start}): the connectors are deployed while the
 * copy runs, so their start-up overlaps it, and the sink holds every change until the copy's record says it has
 * finished ({@code base.copy.slot}).
 *
 * <p>An interrupted copy cannot be resumed: its snapshot died with its session, and ranges copied under it show an
 * older state than a new slot would start from. The next run therefore starts over, automatically: it drops the slot,
 * empties the target tables into which the earlier attempt committed ranges, forgets that attempt's progress and
 * copies everything again under a new slot. A finished copy whose slot still exists is not copied again.
 */
public final class BaseCopy {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopy.class);
    private static final long REPORT_NANOS = 5_000_000_000L;

    /** Debezium settings for streaming from the slot the base copy created, without its own snapshot. */
    public static final Map<String, String> SOURCE_SETTINGS = Map.of("snapshot.mode", "no_data");

    /**
     * What streams from the slot: the connectors. Started as soon as the slot and its consistent point are recorded
     * (or at once when an earlier run finished the copy), stopped (its position forgotten) before the slot of an
     * unfinished attempt is dropped, so that the next attempt can create the slot again.
     */
    public interface Streaming {
        /** Nothing streams: the caller deploys the connectors itself after {@link #run}. */
        Streaming NONE = new Streaming() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
            }
        };

        void start() throws Exception;

        void stop() throws Exception;
    }

    /** What a run did. {@code skipped}: an earlier run had already finished the copy for this slot. */
    public record Result(String slot, String consistentLsn, int attempt, boolean skipped, long rows, int ranges, long millis) {
        public double rowsPerSecond() {
            return millis <= 0 ? 0 : rows * 1000.0 / millis;
        }
    }

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final BaseCopyProgress progress;
    private final ForeignKeysAside foreignKeys;
    private final BaseCopyOptions options;
    private final Consumer<String> log;

    /**
     * @param progressSchema target schema of the progress tables (the sink's, {@code warp} by default)
     * @param log            receives one line per finished table and per phase, for the CLI
     */
    public BaseCopy(PgEndpoint source, PgEndpoint target, String progressSchema, BaseCopyOptions options, Consumer<String> log) {
        this.source = source;
        this.target = target;
        this.progress = new BaseCopyProgress(progressSchema);
        this.foreignKeys = new ForeignKeysAside(progressSchema);
        this.options = options;
        this.log = log;
    }

    public Result run(String slot, String publication, List<TableCopy> tables) throws Exception {
        return run(slot, publication, tables, Streaming.NONE);
    }

    public Result run(String slot, String publication, List<TableCopy> tables, Streaming streaming) throws Exception {
        long t0 = System.nanoTime();
        int attempt;
        try (Connection src = source.connect(); Connection dst = target.connect()) {
            progress.create(dst);
            foreignKeys.create(dst);
            BaseCopyTables.SlotCopy earlier = progress.attempt(dst, slot);
            boolean slotExists = ExportedSnapshotSlot.exists(src, slot);
            if (earlier != null && earlier.finished()) {
                if (slotExists) {
                    log.accept("base copy: already finished (slot " + slot + ", consistent point " + earlier.consistentLsn()
                            + "); streaming continues from the slot");
                    streaming.start();
                    return new Result(slot, earlier.consistentLsn(), earlier.attempt(), true, 0, 0, 0);
                }
                throw new IllegalStateException("the base copy for slot " + slot + " finished (consistent point "
                        + earlier.consistentLsn() + ") but the slot no longer exists on the source, so changes since then are"
                        + " lost; run `warp finish` to remove the migration and start it again on emptied target tables");
            }
            if (earlier == null && slotExists) {
                throw new IllegalStateException("replication slot " + slot + " already exists on the source but no base copy is"
                        + " recorded for it on the target (a Debezium-snapshot migration?); continue it with --initial-load=debezium"
                        + " or remove it with `warp finish`");
            }
            attempt = 1;
            int aside = foreignKeys.drop(dst, slot, tables.stream().map(TableCopy::target).toList());
            if (aside > 0) {
                log.accept("base copy: " + aside + " foreign key(s) of the copied tables set aside on the target until every table is"
                        + " copied (recorded in " + progressSchemaTable() + ")");
            }
            if (earlier != null) {
                attempt = earlier.attempt() + 1;
                streaming.stop();
                startOver(src, dst, slot);
            }
            // Every planned table: emptied above if the earlier attempt planned it, else it must be empty already.
            requireEmpty(dst, tables);
            progress.begin(dst, slot, attempt, options.parallelism());
            ExportedSnapshotSlot.ensurePublication(src, publication, tables.stream().map(TableCopy::source).toList());
        }
        try {
            return copy(slot, tables, attempt, t0, streaming);
        } catch (Exception e) {
            // The slot is useless without its snapshot and would hold WAL: drop it now; the next run starts over.
            try {
                streaming.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            try (Connection src = source.connect()) {
                ExportedSnapshotSlot.dropIfInactive(src, slot);
            } catch (SQLException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The migration's publication, as the base copy creates it before its slot (the migrated tables, ONLY the regular
     * ones, via the partition root, with the schema-change capture's table): for a copy run inside Connect, whose source
     * connector then finds it.
     */
    public static void ensurePublication(Connection source, String publication, List<TableName> tables) throws SQLException {
        ExportedSnapshotSlot.ensurePublication(source, publication, tables);
    }

    private String progressSchemaTable() {
        return progress.schema() + "." + ForeignKeysAside.TABLE;
    }

    private void startOver(Connection src, Connection dst, String slot) throws SQLException {
        boolean dropped = ExportedSnapshotSlot.dropIfInactive(src, slot);
        List<String> planned = progress.plannedTargets(dst, slot);
        dst.setAutoCommit(false);
        if (!planned.isEmpty()) {
            // One statement: foreign keys between the tables do not stand in the way.
            Sql.exec(dst, "TRUNCATE " + String.join(", ", planned));
        }
        progress.forget(dst, slot);
        dst.commit();
        dst.setAutoCommit(true);
        log.accept("base copy: an earlier attempt was interrupted; starting over" + (dropped ? " (dropped its slot " + slot + ")" : "")
                + (planned.isEmpty() ? "" : ", emptied the " + planned.size() + " target table(s) it had planned"));
    }

    static void requireEmpty(Connection dst, List<TableCopy> tables) throws SQLException {
        for (TableCopy t : tables) {
            if (Sql.one(dst, "SELECT 1 FROM " + t.target().quoted() + " LIMIT 1") != null) {
                throw new IllegalStateException("target table " + t.target() + " is not empty and no earlier attempt of this base copy"
                        + " planned it; the base copy loads into empty tables (empty it; or load with Debezium's snapshot instead,"
                        + " which replaces the tables' content: warp start --initial-load=debezium, or by REST the source config with"
                        + " snapshot.mode=initial, the sink's base.copy.slot empty and no base-copy connector)");
            }
        }
    }

    private Result copy(String slot, List<TableCopy> tables, int attempt, long t0, Streaming streaming) throws Exception {
        List<CopyStream> streams = new ArrayList<>();
        ExecutorService pool = null;
        int serverVersionNum;
        try (Connection src = source.connect()) {
            serverVersionNum = Integer.parseInt(Sql.one(src, "SHOW server_version_num"));
        }
        try (ExportedSnapshotSlot exported = ExportedSnapshotSlot.create(source, slot, serverVersionNum)) {
            log.accept("base copy: slot " + slot + " created at " + exported.consistentLsn() + " with snapshot "
                    + exported.snapshotName() + "; " + options.parallelism() + " stream(s)");
            // Every stream imports the snapshot now, while the exporting session is open and idle.
            for (int i = 0; i < options.parallelism(); i++) {
                streams.add(new CopyStream(source, target, exported.snapshotName(), progress, slot, options.binary()));
            }
            List<CopyRange> plan = RangePlanner.plan(streams.get(0).snapshot(), tables, options.rangeRows());
            try (Connection dst = target.connect()) {
                dst.setAutoCommit(false);
                progress.slotCreated(dst, slot, exported.snapshotName(), exported.consistentLsn());
                progress.planned(dst, slot, plan);
                dst.commit();
            }
            // The connectors start while the copy runs; the sink holds the stream until progress.finished below.
            streaming.start();
            if (streaming != Streaming.NONE) {
                log.accept("base copy: streaming from slot " + slot + " has started; the sink holds it until the copy has finished");
            }
            LOG.info("base copy of {} table(s) in {} range(s), {} stream(s)", tables.size(), plan.size(), streams.size());
            ConcurrentLinkedQueue<CopyRange> queue = plan.stream().sorted(Comparator.comparingLong(CopyRange::estimatedRows).reversed())
                    .collect(Collectors.toCollection(ConcurrentLinkedQueue::new));
            Map<TableName, AtomicLong> remaining = new java.util.concurrent.ConcurrentHashMap<>();
            Map<TableName, AtomicLong> tableRows = new java.util.concurrent.ConcurrentHashMap<>();
            plan.forEach(r -> remaining.computeIfAbsent(r.source(), k -> new AtomicLong()).incrementAndGet());
            AtomicLong rows = new AtomicLong();
            AtomicBoolean failed = new AtomicBoolean();
            pool = Executors.newFixedThreadPool(streams.size(), r -> {
                Thread t = new Thread(r, "warp-basecopy");
                t.setDaemon(true);
                return t;
            });
            List<Future<?>> futures = new ArrayList<>();
            for (CopyStream stream : streams) {
                futures.add(pool.submit(() -> {
                    CopyRange r;
                    while (!failed.get() && (r = queue.poll()) != null) {
                        try {
                            long n = stream.copy(r);
                            rows.addAndGet(n);
                            long tableTotal = tableRows.computeIfAbsent(r.source(), k -> new AtomicLong()).addAndGet(n);
                            if (remaining.get(r.source()).decrementAndGet() == 0) {
                                log.accept(String.format("base copy: %s done, %,d rows", r.source(), tableTotal));
                            }
                        } catch (Exception e) {
                            failed.set(true);
                            throw CopyFailure.of(r, e);
                        }
                    }
                    return null;
                }));
            }
            Exception first = null;
            long estimate = plan.stream().mapToLong(CopyRange::estimatedRows).sum();
            long nextReport = System.nanoTime() + REPORT_NANOS;
            for (Future<?> f : futures) {
                try {
                    while (true) {
                        try {
                            f.get(1, TimeUnit.SECONDS);
                            break;
                        } catch (TimeoutException stillCopying) {
                            if (System.nanoTime() > nextReport) {
                                nextReport += REPORT_NANOS;
                                double seconds = (System.nanoTime() - t0) / 1e9;
                                log.accept(String.format("base copy: %,d of ~%,d rows, %,d of %,d ranges started, %,.0f rows/s", rows.get(),
                                        estimate, plan.size() - queue.size(), plan.size(), rows.get() / seconds));
                            }
                        }
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
                    if (first == null) {
                        first = cause;
                    } else {
                        first.addSuppressed(cause);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            try (Connection dst = target.connect()) {
                int restored = foreignKeys.restore(dst, slot);
                if (restored > 0) {
                    log.accept("base copy: " + restored + " foreign key(s) re-added on the target, validated against the copied rows");
                }
                progress.finished(dst, slot);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            Result result = new Result(slot, exported.consistentLsn(), attempt, false, rows.get(), plan.size(), millis);
            log.accept(String.format("base copy: %,d rows in %,d range(s) in %.1f s (%,.0f rows/s); streaming starts at %s",
                    result.rows(), result.ranges(), millis / 1000.0, result.rowsPerSecond(), result.consistentLsn()));
            return result;
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
            streams.forEach(CopyStream::close);
        }
    }
}
