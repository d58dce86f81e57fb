package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.db.TableName;
import io.citus.warp.status.StatusProbe;
import io.citus.warp.status.StatusView;
import io.citus.warp.verify.Verification;

import java.io.PrintWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * The switch-over: wait until caught up, optionally block writes on the source, wait until the final
 * source position is applied, set the target's sequences, verify, and tell the operator to switch.
 */
public final class Cutover {
    public record Options(boolean blockWrites, boolean terminateSessions, long sequenceMargin, Duration timeout, Duration settle,
                          int chunkSize) {
    }

    public record Result(String finalLsn, String positionProof, List<SequenceSync.SequenceSet> sequences,
                         Verification.Result verify, boolean writesBlocked, String undo) {
    }

    private Cutover() {
    }

    public static Result run(StatusProbe probe, PgEndpoint source, PgEndpoint target, List<TableName> tables, Options o,
                             PrintWriter out) throws Exception {
        out.println("waiting until the sink has caught up...");
        out.flush();
        CaughtUp.await(probe, o.timeout(), Duration.ofSeconds(1), s -> { });
        String undo = null;
        String lsn;
        try (Connection c = source.connect()) {
            if (o.blockWrites()) {
                int terminated = WriteBlock.block(c, source.database(), o.terminateSessions());
                undo = WriteBlock.undoStatement(source.database());
                out.println("writes blocked on " + source.database() + " (new sessions are read-only"
                        + (o.terminateSessions() ? "; " + terminated + " session(s) terminated" : "") + "); to undo: " + undo + ";");
                if (!WriteBlock.awaitNoWriters(c, source.database(), 60_000)) {
                    out.println("WARN  transactions still hold write locks after 60 s; continuing");
                }
            } else {
                out.println("writes are NOT blocked (--block-writes): changes made after this point may be missed by the final verify");
            }
            lsn = Sql.one(c, "SELECT pg_current_wal_lsn()::text");
        }
        out.println("final source position " + lsn + "; waiting until it is applied...");
        out.flush();
        CaughtUp.FinalPosition position = CaughtUp.awaitPosition(probe, source, lsn, o.timeout(), o.settle(), out);
        out.println("applied: " + position.how());
        List<SequenceSync.SequenceSet> sequences;
        try (Connection s = source.connect(); Connection t = target.connect()) {
            sequences = SequenceSync.run(s, t, tables, o.sequenceMargin());
        }
        for (SequenceSync.SequenceSet q : sequences) {
            out.printf("sequence %s: source at %d, target set to %d%n", q.targetSequence(), q.sourceValue(), q.targetValue());
        }
        out.println(StatusView.render(probe.probe()));
        Verification.Result verify = Verification.run(source, target, tables, o.chunkSize(), 3);
        Verification.print(out, verify);
        if (verify.equal()) {
            out.println();
            out.println("point your application at the target now" + (undo == null ? "" : " (the source stays read-only; undo with: " + undo + ")"));
        }
        out.flush();
        return new Result(lsn, position.how(), sequences, verify, o.blockWrites(), undo);
    }
}
