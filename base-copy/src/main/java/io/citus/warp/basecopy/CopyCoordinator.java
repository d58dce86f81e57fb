package io.citus.warp.basecopy;

import io.citus.warp.common.BaseCopyTables;
import io.citus.warp.common.TableMapping;
import io.citus.warp.common.TableName;
import io.citus.warp.db.MigrationSession;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The base copy run by Kafka Connect (the base-copy connector's {@code Connector} instance runs this; its tasks run
 * {@link CopyWorker}s, on whichever workers Connect places them). It plans, holds the snapshot and finishes; the tasks
 * copy.
 *
 * <p>The cut between copy and stream. Debezium creates and streams from its own slot, deployed before or after this
 * connector. Once that slot exists (and is consistent), this creates a TEMPORARY logical slot with an exported
 * snapshot: its consistent point C comes after the streaming slot's, so every transaction the snapshot lacks (committed
 * at or after C) is in Debezium's stream, and those it holds (committed before C) reach the sink too, which skips them:
 * {@code base_copy.consistent_lsn} is C, and the sink ({@code base.copy.slot}) applies only transactions committed at or
 * after it, once the copy has finished. The temporary slot streams nothing and needs no publication; PostgreSQL drops it
 * when its session ends.
 *
 * <p>Failures. The snapshot lives as long as the exporting session of this instance. A new instance (a restart, a
 * rebalance, a worker lost) therefore starts an unfinished copy over: it ends the old exporting session if it is still
 * alive, forgets the attempt's progress, empties the tables it planned and copies everything under a new snapshot. A
 * task lost mid-range loses only that range (its transaction aborts, its claim is released and another task claims it).
 * Tasks claim ranges of the current attempt only, in the transaction that commits the range, so rows of an old attempt
 * can never be committed as the new one's.
 */
public final class CopyCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(CopyCoordinator.class);
    /** How often it looks for the source's slot and for the last range: every pause here is added to the copy's end. */
    private static final long POLL_MS = 250;
    private static final long EXPORTER_CHECK_MS = 5_000;
    private static final long REPORT_MS = 15_000;
    /** How long the finished-check may fail (target unreachable) before the copy gives up. */
    private static final long POLL_FAILURE_LIMIT_MS = 600_000;

    /** How an attempt ended. */
    enum Outcome { FINISHED, LOST_SNAPSHOT }

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final String slot;
    private final String includeList;
    private final TableMapping mapping;
    private final BaseCopyProgress progress;
    private final ForeignKeysAside foreignKeys;
    private final BaseCopyOptions options;
    private final long slotWaitLogMs;
    private final Consumer<String> status;
    private volatile boolean stopped;
    private volatile Thread runner;

    /**
     * @param options parallelism: the connector's tasks (recorded, for status); range size and format
     * @param status  receives the milestones (also logged), e.g. for the connector's own log lines
     */
    public CopyCoordinator(PgEndpoint source, PgEndpoint target, String slot, String includeList, TableMapping mapping,
                           String progressSchema, BaseCopyOptions options, long slotWaitLogMs, Consumer<String> status) {
        this.source = source;
        this.target = target;
        this.slot = slot;
        this.includeList = includeList;
        this.mapping = mapping;
        this.progress = new BaseCopyProgress(progressSchema);
        this.foreignKeys = new ForeignKeysAside(progressSchema);
        this.options = options;
        this.slotWaitLogMs = slotWaitLogMs;
        this.status = status;
    }

    /** The temporary slot of an attempt: unique per migration slot and attempt, at most 63 characters. */
    static String exportSlot(String slot, int attempt) {
        CRC32 crc = new CRC32();
        crc.update(slot.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format("warp_copy_%08x_%d", crc.getValue(), attempt);
    }

    /**
     * Runs the copy until it has finished (returns), {@link #stop} is called (returns), or it fails in a way only a person
     * can fix (throws: a non-empty target table, no table matched, no permission).
     */
    public void run() throws Exception {
        runner = Thread.currentThread();
        long failingSince = -1;
        while (!stopped) {
            try {
                if (attempt() == Outcome.FINISHED) {
                    return;
                }
                failingSince = -1;
            } catch (SQLException e) {
                // A database unreachable for a moment (a restart, a failover): try again, starting the copy over if it had
                // begun (its snapshot may be gone with the source). Anything else needs a person and fails the connector.
                long now = System.currentTimeMillis();
                failingSince = failingSince < 0 ? now : failingSince;
                if (!transientFailure(e) || now - failingSince > POLL_FAILURE_LIMIT_MS) {
                    throw e;
                }
                LOG.warn("base copy of slot {}: a database is unreachable (SQLSTATE {}); trying again in {} ms", slot, e.getSQLState(),
                        RETRY_MS);
                sleep(RETRY_MS);
            }
        }
    }

    private static final long RETRY_MS = 5_000;

    /** A connection lost or refused, a server shutting down or starting (SQLSTATE classes 08 and 57P). */
    private static boolean transientFailure(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** Ends the copy's work in this instance: the exporting session closes with it, and the tasks finish their ranges. */
    public void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    private void say(String line) {
        LOG.info(line);
        status.accept(line);
    }

    private Outcome attempt() throws Exception {
        List<TableCopy> tables;
        int attempt;
        int serverVersionNum;
        try (Connection src = source.connect(); Connection dst = target.connect()) {
            progress.create(dst);
            foreignKeys.create(dst);
            BaseCopyTables.SlotCopy earlier = progress.attempt(dst, slot);
            if (earlier != null && earlier.finished()) {
                say("base copy of slot " + slot + ": finished earlier (consistent point " + earlier.consistentLsn()
                        + "); nothing to do");
                return Outcome.FINISHED;
            }
            awaitStreamingSlot(src);
            serverVersionNum = Integer.parseInt(Sql.one(src, "SHOW server_version_num"));
            List<TableName> names = SourceTables.resolve(src, includeList);
            if (names.isEmpty()) {
                throw new IllegalStateException("base copy of slot " + slot + ": no table of the source matches table.include.list;"
                        + " it must be the source connector's list");
            }
            tables = names.stream().map(t -> new TableCopy(t, mapping.target(t))).toList();
            attempt = earlier == null ? 1 : earlier.attempt() + 1;
            if (earlier != null) {
                endExporter(src, progress.exportSlot(dst, slot));
                startOver(dst);
            }
            int aside = foreignKeys.drop(dst, slot, tables.stream().map(TableCopy::target).toList());
            if (aside > 0) {
                say("base copy of slot " + slot + ": " + aside + " foreign key(s) of the copied tables set aside on the target until"
                        + " every table is copied");
            }
            BaseCopy.requireEmpty(dst, tables);
            progress.begin(dst, slot, attempt, options.parallelism());
        }
        String exportSlot = exportSlot(slot, attempt);
        try (ExportedSnapshotSlot exported = ExportedSnapshotSlot.createTemporary(source, exportSlot, serverVersionNum)) {
            List<CopyRange> plan;
            try (Connection snapshot = source.connect()) {
                Sql.exec(snapshot, "SET application_name = 'warp-basecopy-plan'");
                MigrationSession.prepare(snapshot);
                Sql.exec(snapshot, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                Sql.exec(snapshot, "SET TRANSACTION SNAPSHOT " + Sql.literal(exported.snapshotName()));
                plan = RangePlanner.plan(snapshot, tables, options.rangeRows());
                Sql.exec(snapshot, "COMMIT");
            }
            try (Connection dst = target.connect()) {
                dst.setAutoCommit(false);
                progress.slotCreated(dst, slot, exported.snapshotName(), exported.consistentLsn());
                progress.exportSlot(dst, slot, exportSlot);
                progress.planned(dst, slot, plan);
                dst.commit();
            }
            long estimate = plan.stream().mapToLong(CopyRange::estimatedRows).sum();
            say(String.format("base copy of slot %s, attempt %d: %d table(s) in %d range(s), ~%,d rows, under the snapshot of"
                    + " temporary slot %s (consistent point %s); the tasks copy them", slot, attempt, tables.size(), plan.size(),
                    estimate, exportSlot, exported.consistentLsn()));
            return awaitRanges(attempt, exportSlot, System.nanoTime());
        }
    }

    /** Waits until Debezium's slot exists and is consistent (a slot being created shows without a confirmed position). */
    private void awaitStreamingSlot(Connection src) throws SQLException, InterruptedException {
        long loggedAt = 0;
        while (Sql.one(src, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND confirmed_flush_lsn IS NOT NULL", slot) == null) {
            long now = System.currentTimeMillis();
            if (now - loggedAt >= slotWaitLogMs) {
                loggedAt = now;
                say("base copy: waiting for the source connector to create replication slot " + slot + " (slot.name); the copy"
                        + " starts once it exists, so that its stream holds every change the copy's snapshot lacks");
            }
            sleep(POLL_MS);
        }
    }

    /** Ends the session exporting an earlier attempt's snapshot, if it is alive; its temporary slot goes with it. */
    private void endExporter(Connection src, String exportSlot) throws SQLException, InterruptedException {
        if (exportSlot == null) {
            return;
        }
        String pid = Sql.one(src, "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active", exportSlot);
        if (pid != null) {
            say("base copy: ending the session (pid " + pid + ") that exported the interrupted attempt's snapshot");
            Sql.one(src, "SELECT pg_terminate_backend(?)", Integer.parseInt(pid));
        }
        for (int i = 0; i < 300 && Sql.one(src, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", exportSlot) != null; i++) {
            sleep(100);
        }
    }

    /**
     * Forgets the interrupted attempt and empties the tables it planned, in one transaction. The progress rows go first:
     * deleting them waits for every range a task is still copying (it holds its claim until it commits), so no copy of the
     * old attempt is in flight when the tables are emptied, and none can claim another.
     */
    private void startOver(Connection dst) throws SQLException {
        List<String> planned = progress.plannedTargets(dst, slot);
        dst.setAutoCommit(false);
        try {
            progress.forget(dst, slot);
            if (!planned.isEmpty()) {
                Sql.exec(dst, "TRUNCATE " + String.join(", ", planned));
            }
            dst.commit();
        } catch (SQLException | RuntimeException e) {
            dst.rollback();
            throw e;
        } finally {
            dst.setAutoCommit(true);
        }
        say("base copy of slot " + slot + ": an earlier attempt was interrupted (its snapshot is gone); starting over"
                + (planned.isEmpty() ? "" : ", emptied the " + planned.size() + " target table(s) it had planned"));
    }

    private Outcome awaitRanges(int attempt, String exportSlot, long t0) throws Exception {
        long checkedExporter = System.nanoTime();
        long reported = System.nanoTime();
        long failingSince = -1;
        Connection dst = null;
        try {
            while (true) {
                sleep(POLL_MS);
                try {
                    if (dst == null) {
                        dst = target.connect();
                    }
                    BaseCopyTables.SlotCopy now = progress.attempt(dst, slot);
                    if (now == null || now.attempt() != attempt) {
                        throw new IllegalStateException("base copy of slot " + slot + ": attempt " + attempt + " was replaced on the"
                                + " target (another base-copy connector or warp start runs for the same slot?)");
                    }
                    if (now.ranges() > 0 && now.rangesCopied() == now.ranges()) {
                        int restored = foreignKeys.restore(dst, slot);
                        progress.finished(dst, slot);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        say(String.format("base copy of slot %s finished: %,d rows in %d range(s) in %.1f s (%,.0f rows/s)%s; the"
                                        + " sink applies the changes committed from %s on", slot, now.rowsCopied(), now.ranges(), seconds,
                                now.rowsCopied() / Math.max(seconds, 0.001),
                                restored > 0 ? ", " + restored + " foreign key(s) re-added" : "", now.consistentLsn()));
                        return Outcome.FINISHED;
                    }
                    if (System.nanoTime() - reported > REPORT_MS * 1_000_000) {
                        reported = System.nanoTime();
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        say(String.format("base copy of slot %s: %,d of ~%,d rows, %d of %d ranges copied, %,.0f rows/s", slot,
                                now.rowsCopied(), now.rowsEstimated(), now.rangesCopied(), now.ranges(), now.rowsCopied() / seconds));
                    }
                    failingSince = -1;
                } catch (SQLException e) {
                    // The target unreachable for a moment (a coordinator restart): the tasks retry their ranges, this its check.
                    closeQuietly(dst);
                    dst = null;
                    long nowMs = System.currentTimeMillis();
                    failingSince = failingSince < 0 ? nowMs : failingSince;
                    LOG.warn("base copy of slot {}: cannot read its progress on the target ({}); trying again", slot, e.getSQLState());
                    if (nowMs - failingSince > POLL_FAILURE_LIMIT_MS) {
                        throw e;
                    }
                }
                if (System.nanoTime() - checkedExporter > EXPORTER_CHECK_MS * 1_000_000) {
                    checkedExporter = System.nanoTime();
                    if (!exporterAlive(exportSlot)) {
                        say("base copy of slot " + slot + ": the session exporting attempt " + attempt + "'s snapshot has ended"
                                + " (source restart or connection lost); starting over under a new snapshot");
                        return Outcome.LOST_SNAPSHOT;
                    }
                }
            }
        } finally {
            closeQuietly(dst);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a connection being dropped after a failure or at the end
            }
        }
    }

    /** The temporary slot exists exactly as long as the session that exported the snapshot. */
    private boolean exporterAlive(String exportSlot) {
        try (Connection src = source.connect()) {
            return Sql.one(src, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", exportSlot) != null;
        } catch (SQLException e) {
            // The source unreachable: the exporting session most likely with it; the next check tells.
            LOG.warn("base copy of slot {}: cannot check the exporting session on the source ({})", slot, e.getSQLState());
            return true;
        }
    }

    private void sleep(long ms) throws InterruptedException {
        if (stopped) {
            throw new InterruptedException("stopped");
        }
        Thread.sleep(ms);
    }
}
