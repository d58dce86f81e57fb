package io.citus.warp.cutover;

import io.citus.warp.migration.MigrationNames;
import io.citus.warp.migration.MigrationPlan;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.StatusView;
import io.citus.warp.verify.Verification;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * The switch-over: wait until the sink has drained the topic, fence writes on the source ({@link WriteFence}), take the
 * source position after the fence, wait until it is proven applied ({@link CaughtUp#awaitApplied}), set the target's
 * sequences, verify, and only then tell the operator to switch. Any failure after the fence removes the fence again
 * (unless it was there before this run), or, if even that fails, says exactly how to remove it.
 */
public final class Cutover {
    /**
     * @param fence            install the write fence (without it the result is a point-in-time sync, not a cutover)
     * @param terminateSessions terminate transactions still holding write locks after {@code writerGrace}
     * @param fenceTimeout     how long open write transactions may delay the fence before cutover fails
     */
    /**
     * @param timeout       how long to wait until caught up before the fence (writes go on meanwhile)
     * @param fencedTimeout how long to wait, with writes fenced, until the position taken after the fence is applied: the
     *                      application's write downtime is bounded by it, so it is shorter than {@code timeout}
     */
    public record Options(boolean fence, boolean terminateSessions, Duration writerGrace, Duration fenceTimeout, long sequenceMargin,
                          Duration timeout, Duration fencedTimeout, int chunkSize) {
    }

    /** What the fence did: installed or not, and how to remove it. */
    public record FenceReport(boolean installed, boolean existedBefore, List<String> relations, List<Integer> terminatedPids,
                              long lockWaitMillis, String state, List<String> undo) {
    }

    /** @param fencedMillis how long the source had been fenced when cutover returned */
    public record Result(String finalLsn, String positionProof, List<SequenceSync.SequenceSet> sequences,
                         Verification.Result verify, FenceReport fence, long fencedMillis) {
    }

    /** A failure after the fence: what went wrong and what state the fence is in. */
    public static final class FailedAfterFence extends Exception {
        private final FenceReport fence;

        FailedAfterFence(String message, Throwable cause, FenceReport fence) {
            super(message, cause);
            this.fence = fence;
        }

        public FenceReport fence() {
            return fence;
        }
    }

    static final long PRE_FENCE_LAG = 1000;

    private Cutover() {
    }

    public static Result run(StatusProbe probe, MigrationPlan plan, Options o, PrintWriter out) throws Exception {
        PgEndpoint source = plan.source();
        PgEndpoint target = plan.target();
        MigrationNames names = plan.names();
        List<TableName> tables = plan.tables();
        out.println("waiting until every snapshot is complete and the sink is at most " + PRE_FENCE_LAG + " records behind...");
        out.flush();
        // The fence waits for the rest: the less there is, the shorter the source is read-only.
        CaughtUp.await(probe, o.timeout(), Duration.ofSeconds(1), PRE_FENCE_LAG, s -> { });
        WriteFence.Fence fence = null;
        if (o.fence()) {
            fence = WriteFence.install(source, names.name(), tables, o.terminateSessions(), o.writerGrace().toMillis(),
                    o.fenceTimeout().toMillis());
            out.println("write fence " + (fence.existedBefore() ? fence.completedBefore() ? "(already in place, from a completed cutover) "
                    : "(already in place, left by an interrupted cutover: this run takes it over) " : "") + "on " + fence.relations().size()
                    + " table(s) and partition(s): triggers " + fence.trigger() + " raise on INSERT/UPDATE/DELETE/TRUNCATE for every role and"
                    + " session, session_replication_role = replica included"
                    + (fence.terminated().isEmpty() ? "" : "; terminated " + fence.terminated().size() + " session(s) holding write locks")
                    + "; open writers waited for " + fence.waitedMillis() + " ms");
            out.println("to make the source writable again: " + String.join("; ", fence.undo()) + ";");
        } else {
            out.println("NO write fence (--no-fence): writes after this point may be missing on the target; this is a point-in-time sync");
        }
        out.flush();
        long fencedAt = System.nanoTime();
        try {
            String lsn = CaughtUp.currentLsn(source);
            out.println("final source position " + lsn + " (taken after the fence); waiting until it is applied...");
            out.flush();
            CaughtUp.FinalPosition position = CaughtUp.awaitApplied(probe, source, names, lsn, o.fencedTimeout());
            out.println("applied: " + position.how());
            List<SequenceSync.SequenceSet> sequences;
            try (Connection s = source.connect(); Connection t = target.connect()) {
                sequences = SequenceSync.run(s, t, tables, probe.mapping(), o.sequenceMargin());
            }
            for (SequenceSync.SequenceSet q : sequences) {
                out.printf("sequence %s (%s.%s): source next %d, target next %d%n", q.targetSequence(), q.table(), q.column(),
                        q.sourceNext(), q.targetNext());
            }
            out.print(StatusView.render(probe.probe()));
            Verification.Result verify = Verification.run(source, target, tables, probe.mapping(), o.chunkSize(), 3);
            Verification.print(out, verify);
            if (!verify.equal()) {
                throw new IllegalStateException("the final verify found differences between source and target");
            }
            if (fence != null) {
                try (Connection c = source.connect()) {
                    if (!WriteFence.holds(c, names.name(), tables)) {
                        throw new IllegalStateException("the write fence was removed or disabled on the source during cutover");
                    }
                }
            }
            if (fence != null) {
                // Recorded before the operator is told to switch: from here on no failure or re-run removes the fence.
                WriteFence.markCompleted(source, names.name());
            }
            out.println();
            out.println("point your application at the target now" + (fence == null ? "" : " (the source stays fenced)"));
            out.flush();
            return new Result(lsn, position.how(), sequences, verify, report(fence, fence == null ? "none" : "in place"),
                    (System.nanoTime() - fencedAt) / 1_000_000);
        } catch (Exception e) {
            throw undo(source, fence, e, out);
        }
    }

    private static FenceReport report(WriteFence.Fence f, String state) {
        return f == null ? new FenceReport(false, false, List.of(), List.of(), 0, state, List.of())
                : new FenceReport(true, f.existedBefore(), f.relations(), f.terminated(), f.waitedMillis(), state, f.undo());
    }

    private static FailedAfterFence undo(PgEndpoint source, WriteFence.Fence fence, Exception cause, PrintWriter out) {
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (fence == null) {
            return new FailedAfterFence("cutover failed: " + what, cause, report(null, "none"));
        }
        if (fence.existedBefore() && fence.completedBefore()) {
            return new FailedAfterFence("cutover failed after the write fence: " + what + ". The fence was in place before this"
                    + " run, from a cutover that completed (the application was told to use the target), and is left in place; to"
                    + " remove it: " + String.join("; ", fence.undo()) + ";", cause,
                    report(fence, "left in place (from a completed cutover)"));
        }
        try {
            WriteFence.remove(source, fence);
            out.println("cutover failed after the write fence; the fence was removed, the source is writable again");
            out.flush();
            return new FailedAfterFence("cutover failed after the write fence: " + what + ". The fence was removed: the source is writable"
                    + " again and replication continues", cause, report(fence, "removed"));
        } catch (Exception undoFailure) {
            FailedAfterFence f = new FailedAfterFence("cutover failed after the write fence: " + what + ". Removing the fence ALSO failed ("
                    + undoFailure.getMessage() + "): the source is still fenced. To make it writable again run on the source: "
                    + String.join("; ", fence.undo()) + ";", cause, report(fence, "STILL IN PLACE"));
            f.addSuppressed(undoFailure);
            return f;
        }
    }
}
