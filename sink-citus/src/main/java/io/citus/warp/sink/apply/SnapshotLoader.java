package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureAdvice;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.event.TableId;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.target.TargetTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final RowEncoder encoder;
    private final ProgressStore progress;
    private final CommitListener listener;
    /** The rows being written when a load fails, for the error message. */
    private List<ChangeEvent> loading;

    public SnapshotLoader(TargetSession session, RowEncoder encoder, ProgressStore progress, CommitListener listener) {
        this.session = session;
        this.encoder = encoder;
        this.progress = progress;
        this.listener = listener;
    }

    public void apply(List<ChangeEvent> rows, KafkaPosition end) {
        try {
            load(rows, end, true);
        } catch (SQLException e) {
            session.rollbackQuietly();
            if (ErrorKind.of(e) == ErrorKind.TRANSIENT) {
                session.discard();
                throw new ApplyException(ErrorKind.TRANSIENT, "transient target failure during snapshot load ("
                        + e.getSQLState() + "): " + FailureAdvice.summary(e), e);
            }
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw permanent(loading == null ? rows : loading, e);
            }
            LOG.info("snapshot rows up to Kafka {} are partly on the target already (the snapshot was delivered again); "
                    + "loading them with upserts", end);
            try {
                load(rows, end, false);
            } catch (SQLException again) {
                session.rollbackQuietly();
                if (ErrorKind.of(again) == ErrorKind.TRANSIENT) {
                    session.discard();
                    throw new ApplyException(ErrorKind.TRANSIENT, "transient target failure during snapshot load: "
                            + FailureAdvice.summary(again), again);
                }
                throw permanent(loading == null ? rows : loading, again);
            }
        } catch (RuntimeException e) {
            session.rollbackQuietly();
            throw e;
        }
    }

    private void load(List<ChangeEvent> rows, KafkaPosition end, boolean copy) throws SQLException {
        loading = null;
        Connection c = session.connection();
        RowWriter writer = session.writer();
        Map<TableId, List<ChangeEvent>> byTable = new LinkedHashMap<>();
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
        progress.recordSnapshotPosition(c, end, rows.size());
        c.commit();
        listener.committed(end, 0, rows.size(), -1, -1);
    }

    private static ApplyException permanent(List<ChangeEvent> rows, SQLException e) {
        ChangeEvent first = rows.get(0);
        String column = FailureAdvice.column(e);
        return new ApplyException(ErrorKind.PERMANENT, "Could not load snapshot rows of " + first.table() + " (snapshot LSN "
                + Lsn.format(first.source().lsn()) + ", Kafka " + first.kafka() + " to " + rows.get(rows.size() - 1).kafka()
                + "). Nothing of this batch was applied. " + (column == null ? "" : "Column: \"" + column + "\". ")
                + "Target error (SQLSTATE " + e.getSQLState() + "): " + FailureAdvice.summary(e).trim() + " " + FailureAdvice.advice(e), e);
    }
}
