package io.citus.warp.basecopy;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * One copy stream of the base-copy connector (one per task): it imports the current attempt's snapshot, claims pending
 * ranges one at a time ({@link BaseCopyProgress#claim}) and copies each, committed with its progress row. The planning,
 * the snapshot and the end of the copy are {@link CopyCoordinator}'s.
 */
public final class CopyWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CopyWorker.class);

    /** What one {@link #step} did. */
    public enum Step {
        /** A range was copied: step again at once. */
        COPIED,
        /** Nothing to claim now (no attempt planned yet, its snapshot not importable, every range taken): wait a little. */
        WAIT,
        /** The copy has finished: nothing more to do. */
        FINISHED
    }

    private final PgEndpoint source;
    private final PgEndpoint target;
    private final BaseCopyProgress progress;
    private final String slot;
    private final boolean binary;
    private final String name;
    private Connection state;
    private CopyStream stream;
    private int streamAttempt;
    private String streamSnapshot;
    private String refusedSnapshot;
    private long rows;
    private long ranges;

    /** @param name for logs, e.g. the connector and task */
    public CopyWorker(PgEndpoint source, PgEndpoint target, String progressSchema, String slot, boolean binary, String name) {
        this.source = source;
        this.target = target;
        this.progress = new BaseCopyProgress(progressSchema);
        this.slot = slot;
        this.binary = binary;
        this.name = name;
    }

    /**
     * Copies the next range if one can be claimed. Throws {@link CopyFailure} when a range failed (nothing of it is
     * committed; {@link CopyFailure#transientFailure()} says whether simply trying again may work).
     */
    public Step step() throws Exception {
        if (state == null) {
            state = target.connect();
        }
        List<String[]> rows = Sql.rows(state, "SELECT attempt, snapshot_name, copied_at IS NOT NULL FROM "
                + progress.state() + " WHERE slot_name = ?", slot);
        if (rows.isEmpty() || rows.get(0)[1] == null) {
            return Step.WAIT;
        }
        if ("t".equals(rows.get(0)[2])) {
            close(); // nothing more to copy: no session stays open on either side
            return Step.FINISHED;
        }
        int attempt = Integer.parseInt(rows.get(0)[0]);
        String snapshot = rows.get(0)[1];
        if (stream == null || streamAttempt != attempt || !snapshot.equals(streamSnapshot)) {
            closeStream();
            if (snapshot.equals(refusedSnapshot)) {
                return Step.WAIT;
            }
            try {
                stream = new CopyStream(source, target, snapshot, progress, slot, binary);
            } catch (SQLException e) {
                if ("42704".equals(e.getSQLState()) || "22023".equals(e.getSQLState())) {
                    // The exporting session has ended (snapshot "..." does not exist), or its snapshot is not valid for
                    // import any more: the connector starts the copy over under a new one.
                    refusedSnapshot = snapshot;
                    LOG.info("{}: the snapshot of attempt {} can no longer be imported (its exporting session ended); waiting for"
                            + " the copy to start over", name, attempt);
                    return Step.WAIT;
                }
                throw e;
            }
            streamAttempt = attempt;
            streamSnapshot = snapshot;
            LOG.info("{}: copying ranges of slot {}, attempt {}", name, slot, attempt);
        }
        Optional<CopyRange> copied;
        try {
            copied = stream.copyNext(attempt, snapshot, n -> this.rows += n);
        } catch (Exception e) {
            closeStream();
            throw e;
        }
        if (copied.isEmpty()) {
            return Step.WAIT;
        }
        ranges++;
        LOG.debug("{}: copied {}", name, copied.get().describe());
        return Step.COPIED;
    }

    /** Rows and ranges this worker copied, for its log. */
    public String summary() {
        return String.format("%,d rows in %,d range(s)", rows, ranges);
    }

    private void closeStream() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }

    @Override
    public void close() {
        closeStream();
        if (state != null) {
            try {
                state.close();
            } catch (SQLException ignored) {
                // closing after the work is done or failed
            }
            state = null;
        }
    }
}
