package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureMessage;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.common.Identifiers;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.catalog.TargetTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads runs of Debezium snapshot rows (op=r) with COPY, one target transaction per run, recording
 * rows loaded per table and the stream position in the same transaction.
 *
 * <p>A snapshot delivered again must not fail nor duplicate rows. Two cases: the same snapshot (same
 * snapshot LSN) re-read after a restart meets rows already loaded, so a COPY that hits a duplicate key
 * is rolled back and the run is loaded with upserts instead; a new snapshot (the source connector
 * started over, at a new LSN) replaces the table's contents, so the table is emptied first, in the same
 * transaction as its first new rows: rows deleted on the source in between do not survive.
 */
public final class SnapshotLoader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoader.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final TargetSession session;
    private final TargetTransaction target;
    private final RowEncoder encoder;
    private final ProgressStore progress;
    private final CommitListener listener;
    private final boolean truncateNonEmpty;
    /** The rows being written when a load fails, for the error message. */
    private List<ChangeEvent> loading;

    public SnapshotLoader(TargetSession session, RowEncoder encoder, ProgressStore progress, CommitListener listener) {
        this(session, encoder, progress, listener, false);
    }

    /** @param truncateNonEmpty empty a non-empty target table at its first snapshot load instead of failing */
    public SnapshotLoader(TargetSession session, RowEncoder encoder, ProgressStore progress, CommitListener listener,
                          boolean truncateNonEmpty) {
        this.truncateNonEmpty = truncateNonEmpty;
        this.session = session;
        this.target = new TargetTransaction(session);
        this.encoder = encoder;
        this.progress = progress;
        this.listener = listener;
    }

    public void apply(List<ChangeEvent> rows, KafkaPosition end) {
        loading = null;
        try {
            target.run(() -> FailureMessage.snapshotRows(loading == null ? rows : loading), c -> load(c, rows, end, true));
        } catch (ApplyException e) {
            if (e.isTransient() || !UNIQUE_VIOLATION.equals(e.sqlState())) {
                throw e;
            }
            LOG.info("snapshot rows up to Kafka {} are partly on the target already (the snapshot was delivered again); "
                    + "loading them with upserts", end);
            target.run(() -> FailureMessage.snapshotRows(loading == null ? rows : loading), c -> load(c, rows, end, false));
        }
        listener.committed(end, 0, rows.size(), -1, -1);
    }

    private void load(Connection c, List<ChangeEvent> rows, KafkaPosition end, boolean copy) throws SQLException {
        loading = null;
        RowWriter writer = session.writer();
        Map<TableName, List<ChangeEvent>> byTable = new LinkedHashMap<>();
        for (ChangeEvent row : rows) {
            byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row);
        }
        for (List<ChangeEvent> tableRows : byTable.values()) {
            loading = tableRows;
            ChangeEvent first = tableRows.get(0);
            TargetTable table = session.table(first);
            long snapshotLsn = first.source().lsn();
            long recorded = progress.snapshotLsn(c, table.id());
            if (recorded >= 0 && recorded != snapshotLsn) {
                LOG.info("a new snapshot of {} began (LSN {} after {}): emptying target table {} before loading it again",
                        first.table(), Lsn.format(snapshotLsn), Lsn.format(recorded), table.id());
                writer.truncate(List.of(table));
            } else if (recorded < 0) {
                firstLoad(c, writer, table, first);
            }
            Map<List<String>, List<EncodedRow>> shapes = new LinkedHashMap<>();
            boolean completed = false;
            for (ChangeEvent row : tableRows) {
                EncodedRow encoded = encoder.encode(row, row.after(), table);
                shapes.computeIfAbsent(encoded.columns(), k -> new ArrayList<>()).add(encoded);
                completed |= row.endsTableSnapshot();
            }
            for (Map.Entry<List<String>, List<EncodedRow>> shape : shapes.entrySet()) {
                if (copy) {
                    writer.copy(table, shape.getKey(), shape.getValue());
                } else {
                    writer.upsert(table, shape.getValue());
                }
            }
            progress.recordSnapshotRows(c, table.id(), snapshotLsn, tableRows.size(), completed);
            if (completed) {
                LOG.info("snapshot of {} complete on the target", first.table());
            }
        }
        ChangeEvent last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        if (last != null && "last".equals(last.snapshot())) {
            emptyTablesLeftOut(c, writer, last.source().lsn());
        }
        progress.recordSnapshotPosition(c, end, rows.size());
        c.commit();
    }

    /**
     * The first snapshot row this stream loads into {@code table}. Rows already there were not loaded by
     * this stream's snapshot: either it streamed changes into the table before (a table that was empty at the
     * first snapshot, now snapshotted again: replace its contents), or they are foreign rows, which are never
     * merged with the source's: the task fails, or with snapshot.nonempty.target=truncate the table is emptied.
     */
    private void firstLoad(Connection c, RowWriter writer, TargetTable table, ChangeEvent first) throws SQLException {
        if (!hasRows(c, table)) {
            return;
        }
        if (progress.appliedCommitLsn(c) >= 0) {
            LOG.info("a new snapshot of {} began after streaming: emptying target table {} before loading it again",
                    first.table(), table.id());
        } else if (truncateNonEmpty) {
            LOG.info("target table {} holds rows before its first snapshot load; emptying it (snapshot.nonempty.target="
                    + "truncate)", table.id());
        } else {
            throw new ApplyException(ErrorKind.PERMANENT, "Target table " + table.id() + " already holds rows, but no "
                    + "snapshot of " + first.table() + " has been loaded into it by stream '" + progress.stream()
                    + "' (snapshot LSN " + Lsn.format(first.source().lsn()) + ", Kafka " + first.kafka() + "). Loading the "
                    + "snapshot would merge the source's rows with rows of unknown origin. Empty the table (TRUNCATE) and "
                    + "restart the sink task, or set snapshot.nonempty.target=truncate to have the sink empty it.", null);
        }
        writer.truncate(List.of(table));
    }

    private static boolean hasRows(Connection c, TargetTable table) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + Identifiers.qualified(table.id()) + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * At the end of a snapshot ({@code source.snapshot=last}): tables snapshotted before at an older LSN that
     * got no row in this one are empty on the source now; empty them on the target too.
     */
    private void emptyTablesLeftOut(Connection c, RowWriter writer, long snapshotLsn) throws SQLException {
        for (TableName id : progress.tablesSnapshottedBefore(c, snapshotLsn)) {
            Optional<TargetTable> table = session.existingTable(id);
            if (table.isEmpty()) {
                continue;
            }
            LOG.info("the snapshot at LSN {} ended without rows for target table {}, loaded by an earlier snapshot: "
                    + "emptying it", Lsn.format(snapshotLsn), id);
            writer.truncate(List.of(table.get()));
            progress.recordSnapshotRows(c, id, snapshotLsn, 0, true);
        }
    }
}
