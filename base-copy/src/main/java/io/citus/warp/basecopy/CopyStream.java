package io.citus.warp.basecopy;

import io.citus.warp.db.MigrationSession;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One copy stream: a source connection inside the exported snapshot and a target connection. Each range is
 * {@code COPY (SELECT ...) TO STDOUT} on the source piped, in this thread, into {@code COPY ... FROM STDIN} on the
 * target, and committed on the target together with its progress row.
 */
final class CopyStream implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final Connection source;
    private final Connection target;
    private final PreparedStatement markCopied;
    private final String slot;
    private final String format;
    private final BaseCopyProgress progress;
    /** Tables whose first range this stream has copied (and checked). */
    private final java.util.Set<io.citus.warp.common.TableName> checked = new java.util.HashSet<>();

    CopyStream(PgEndpoint sourceEndpoint, PgEndpoint targetEndpoint, String snapshotName, BaseCopyProgress progress, String slot,
               boolean binary) throws SQLException {
        this.slot = slot;
        this.progress = progress;
        this.format = binary ? " WITH (FORMAT binary)" : "";
        source = sourceEndpoint.connect();
        Connection t = null;
        try {
            // Autocommit on, explicit BEGIN: SET TRANSACTION SNAPSHOT must be the transaction's first statement.
            Sql.exec(source, "SET application_name = 'warp-basecopy'");
            MigrationSession.prepare(source);
            Sql.exec(source, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            Sql.exec(source, "SET TRANSACTION SNAPSHOT " + Sql.literal(snapshotName));
            t = targetEndpoint.connect();
            t.setAutoCommit(false);
            Sql.exec(t, "SET application_name = 'warp-basecopy'");
            MigrationSession.prepare(t);
            if (Sql.one(t, "SELECT 1 FROM pg_extension WHERE extname = 'citus'") != null) {
                // A COPY into a distributed table opens a connection per shard placement (up to the executor's pool size
                // per worker) and, by default, closes all but one at its end; kept for this stream's next range, they
                // save about a second per range (50,000 rows: 1.3 s -> 0.4 s on 2 workers with 32 shards).
                Sql.one(t, "SELECT set_config('citus.max_cached_conns_per_worker', current_setting('citus.max_adaptive_executor_pool_size'), false)");
            }
            t.commit();
            markCopied = t.prepareStatement(progress.markCopiedSql());
        } catch (SQLException | RuntimeException e) {
            source.close();
            if (t != null) {
                t.close();
            }
            throw e;
        }
        target = t;
    }

    /** The connection in the snapshot, for planning. */
    Connection snapshot() {
        return source;
    }

    /**
     * Claims the next pending range of the attempt whose snapshot this stream imported ({@link BaseCopyProgress#claim})
     * and copies it; empty when none is left to claim.
     */
    java.util.Optional<CopyRange> copyNext(int attempt, String snapshotName, java.util.function.LongConsumer rowsCopied)
            throws SQLException, IOException {
        java.util.Optional<CopyRange> claimed;
        try {
            claimed = progress.claim(target, slot, attempt, snapshotName);
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        }
        if (claimed.isEmpty()) {
            target.rollback(); // ends the claim's read-only transaction
            return claimed;
        }
        try {
            rowsCopied.accept(copy(claimed.get()));
        } catch (SQLException | IOException | RuntimeException e) {
            throw CopyFailure.of(claimed.get(), e);
        }
        return claimed;
    }

    /** Copies one range and commits it with its progress row; returns the rows copied. */
    long copy(CopyRange r) throws SQLException, IOException {
        String select = "COPY (SELECT " + r.columns() + " FROM " + r.from() + r.where() + ") TO STDOUT" + format;
        String insert = "COPY " + r.target().quoted() + " (" + r.columns() + ") FROM STDIN" + format;
        CopyOut out = null;
        CopyIn in = null;
        try {
            in = target.unwrap(PGConnection.class).getCopyAPI().copyIn(insert);
            out = source.unwrap(PGConnection.class).getCopyAPI().copyOut(select);
            long rows;
            try (PGCopyOutputStream sink = new PGCopyOutputStream(in, BUFFER)) {
                byte[] chunk;
                while ((chunk = out.readFromCopy()) != null) {
                    sink.write(chunk);
                }
                rows = sink.endCopy();
            }
            if (checked.add(r.source())) {
                requireNotRewritten(r);
            }
            BaseCopyProgress.copied(markCopied, slot, r, rows);
            target.commit();
            return rows;
        } catch (SQLException | IOException | RuntimeException e) {
            cancel(out, in);
            try {
                target.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * A table rewritten after the snapshot was taken (ALTER TABLE ... with a volatile default or a converting type change,
     * TRUNCATE, VACUUM FULL, CLUSTER) and before this stream's first COPY of it locked it: such rewrites are not MVCC-safe,
     * so a snapshot older than the rewrite may see the table empty, and the copy would silently lack its rows. Checked
     * once the COPY holds the table's lock (until the copy ends), by comparing the file the snapshot's catalog names with
     * the table's current one: they differ only after a rewrite. The copy then fails; warp start starts it over.
     */
    private void requireNotRewritten(CopyRange r) throws SQLException {
        String rewritten = Sql.one(source, "SELECT string_agg(n.nspname || '.' || c.relname, ', ') FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE (c.oid = ?::regclass OR c.oid IN (SELECT relid FROM pg_partition_tree(?::regclass))) AND c.relkind IN ('r', 'm')"
                + " AND c.relfilenode IS DISTINCT FROM pg_relation_filenode(c.oid)", r.source().quoted(), r.source().quoted());
        if (rewritten != null) {
            throw new IllegalStateException("source table " + rewritten + " was rewritten (ALTER TABLE with a default computed per "
                    + "row or a converting type change, TRUNCATE, VACUUM FULL or CLUSTER) after the base copy's snapshot and before "
                    + "its copy began; a rewrite is not MVCC-safe, so rows read under the snapshot could be missing. Run warp start "
                    + "again: it starts the copy over under a new snapshot");
        }
    }

    private static void cancel(CopyOut out, CopyIn in) {
        for (org.postgresql.copy.CopyOperation op : new org.postgresql.copy.CopyOperation[] {out, in}) {
            if (op != null && op.isActive()) {
                try {
                    op.cancelCopy();
                } catch (SQLException ignored) {
                    // the connection is failing anyway; the caller reports the first error
                }
            }
        }
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {source, target}) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after the work is done or failed; nothing to recover
            }
        }
    }
}
