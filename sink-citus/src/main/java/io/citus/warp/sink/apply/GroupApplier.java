package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.errors.FailureAdvice;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.event.Op;
import io.citus.warp.sink.event.TableId;
import io.citus.warp.sink.progress.ProgressStore;
import io.citus.warp.sink.target.TargetTable;
import io.citus.warp.sink.txn.SourceTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a group of consecutive source transactions in one target transaction (group commit), never
 * splitting a source transaction, with the stream's progress written in the same transaction.
 *
 * <p>Fast path: the group's net effect per table, written in batches. If that fails for a reason other
 * than a transient one, the exact path replays the group one source transaction per target
 * transaction, each change in source order, so the transactions before a bad one are committed and the
 * bad one is named precisely, with nothing of it applied.
 */
public final class GroupApplier {
    private static final Logger LOG = LoggerFactory.getLogger(GroupApplier.class);

    private final TargetSession session;
    private final RowEncoder encoder;
    private final ProgressStore progress;
    private final CommitListener listener;

    public GroupApplier(TargetSession session, RowEncoder encoder, ProgressStore progress, CommitListener listener) {
        this.session = session;
        this.encoder = encoder;
        this.progress = progress;
        this.listener = listener;
    }

    /** @param groupEnd the last Kafka record covered by the group (may follow the last transaction's END) */
    public void apply(List<SourceTransaction> transactions, KafkaPosition groupEnd) {
        // TRUNCATE and rows of keyless tables (no key to net changes by) are applied change by change.
        boolean inOrderOnly = transactions.stream().anyMatch(tx -> tx.events().stream()
                .anyMatch(e -> e.op() == Op.TRUNCATE || encoder.isAllowedKeyless(e)));
        if (!inOrderOnly) {
            try {
                applyNetted(transactions, groupEnd);
                return;
            } catch (SQLException e) {
                session.rollbackQuietly();
                if (ErrorKind.of(e) == ErrorKind.TRANSIENT) {
                    throw transientFailure(e);
                }
                LOG.info("batched apply of {} source transaction(s) failed ({}); applying them one by one in source order",
                        transactions.size(), FailureAdvice.summary(e));
            } catch (ApplyException e) {
                session.rollbackQuietly();
                if (e.isTransient()) {
                    throw e;
                }
                // Replay exactly, so that the transactions before the failing one are kept.
            } catch (RuntimeException e) {
                session.rollbackQuietly();
                throw e;
            }
        }
        applyInOrder(transactions, groupEnd);
    }

    private void applyNetted(List<SourceTransaction> transactions, KafkaPosition groupEnd) throws SQLException {
        Connection c = session.connection();
        session.beginStreaming();
        Map<TableId, TableChanges> tables = new LinkedHashMap<>();
        long changes = 0;
        for (SourceTransaction tx : transactions) {
            for (ChangeEvent event : tx.events()) {
                TargetTable table = session.table(event);
                tables.computeIfAbsent(table.id(), id -> new TableChanges(table, event.keyColumns())).add(event, encoder);
                changes++;
            }
        }
        RowWriter writer = session.writer();
        for (TableChanges table : tables.values()) {
            table.writeTo(writer);
        }
        SourceTransaction last = transactions.get(transactions.size() - 1);
        progress.recordTransactions(c, groupEnd, last.commitLsn(), last.txId(), last.commitTsMs(), transactions.size(), changes);
        c.commit();
        listener.committed(groupEnd, transactions.size(), changes, last.commitLsn(), last.commitTsMs());
    }

    private void applyInOrder(List<SourceTransaction> transactions, KafkaPosition groupEnd) {
        for (int i = 0; i < transactions.size(); i++) {
            SourceTransaction tx = transactions.get(i);
            KafkaPosition position = i == transactions.size() - 1 ? groupEnd : tx.last();
            ChangeEvent current = null;
            try {
                Connection c = session.connection();
                session.beginStreaming();
                RowWriter writer = session.writer();
                List<ChangeEvent> events = tx.events();
                for (int e = 0; e < events.size(); e++) {
                    current = events.get(e);
                    if (current.op() == Op.TRUNCATE) {
                        // One statement for the tables of one source TRUNCATE, so foreign keys between them hold.
                        List<TargetTable> truncated = new ArrayList<>();
                        truncated.add(session.table(current));
                        while (e + 1 < events.size() && events.get(e + 1).op() == Op.TRUNCATE
                                && events.get(e + 1).source().lsn() == current.source().lsn()) {
                            truncated.add(session.table(events.get(++e)));
                        }
                        writer.truncate(truncated);
                    } else if (encoder.isAllowedKeyless(current)) {
                        applyKeyless(writer, session.table(current), current);
                    } else {
                        TargetTable table = session.table(current);
                        TableChanges single = new TableChanges(table, current.keyColumns());
                        single.add(current, encoder);
                        single.writeTo(writer);
                    }
                }
                progress.recordTransactions(c, position, tx.commitLsn(), tx.txId(), tx.commitTsMs(), 1, events.size());
                c.commit();
                listener.committed(position, 1, events.size(), tx.commitLsn(), tx.commitTsMs());
            } catch (SQLException e) {
                session.rollbackQuietly();
                if (ErrorKind.of(e) == ErrorKind.TRANSIENT) {
                    throw transientFailure(e);
                }
                throw new ApplyException(ErrorKind.PERMANENT, permanentMessage(tx, current, e), e);
            } catch (ApplyException e) {
                session.rollbackQuietly();
                if (e.isTransient()) {
                    throw e;
                }
                throw new ApplyException(ErrorKind.PERMANENT, transactionContext(tx) + e.getMessage(), e.getCause());
            } catch (RuntimeException e) {
                session.rollbackQuietly();
                throw e;
            }
        }
    }

    /**
     * A change to a table without primary key (REPLICA IDENTITY FULL, opted in): an insert is a plain
     * INSERT; an update or delete changes exactly one row equal to the whole old image.
     */
    private void applyKeyless(RowWriter writer, TargetTable table, ChangeEvent event) throws SQLException {
        if (event.op() == Op.CREATE || event.op() == Op.READ) {
            writer.insert(table, encoder.encode(event, event.after(), table));
            return;
        }
        EncodedRow old = encoder.encode(event, event.before(), table);
        for (String column : old.columns()) {
            io.citus.warp.sink.target.TargetColumn c = table.column(column);
            if (old.value(column) == null && c != null && c.notNull()) {
                throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the old row lacks NOT NULL column \""
                        + column + "\", so the source table does not have REPLICA IDENTITY FULL, which keyless.tables "
                        + "requires. Run ALTER TABLE " + event.table() + " REPLICA IDENTITY FULL on the source and re-snapshot.", null);
            }
        }
        if (!old.isComplete()) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the old row is incomplete " + old.unavailable()
                    + "; keyless.tables requires REPLICA IDENTITY FULL on the source table.", null);
        }
        EncodedRow after = event.op() == Op.UPDATE ? encoder.encode(event, event.after(), table) : null;
        int changed = writer.changeOneByImage(table, old, after);
        if (changed != 1) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": no row on target table " + table.id()
                    + " equals the old row, so the target has diverged from the source for this table: re-snapshot it.", null);
        }
    }

    private ApplyException transientFailure(SQLException e) {
        session.discard();
        return new ApplyException(ErrorKind.TRANSIENT, "transient target failure (" + e.getSQLState() + "): "
                + FailureAdvice.summary(e), e);
    }

    private static String transactionContext(SourceTransaction tx) {
        return "Could not apply source transaction " + tx.txId() + " (commit LSN " + Lsn.format(tx.commitLsn())
                + (tx.commitTsMs() > 0 ? ", committed " + Instant.ofEpochMilli(tx.commitTsMs()) : "") + "). Nothing of it "
                + "was applied; the sink will resume at this transaction. ";
    }

    private static String permanentMessage(SourceTransaction tx, ChangeEvent event, SQLException e) {
        StringBuilder m = new StringBuilder(transactionContext(tx));
        if (event != null) {
            m.append("Failing change: ").append(event.describe()).append(". ");
        }
        String column = FailureAdvice.column(e);
        if (column != null) {
            m.append("Column: \"").append(column).append("\". ");
        }
        m.append("Target error (SQLSTATE ").append(e.getSQLState()).append("): ").append(FailureAdvice.summary(e).trim()).append(' ');
        m.append(FailureAdvice.advice(e));
        return m.toString();
    }
}
