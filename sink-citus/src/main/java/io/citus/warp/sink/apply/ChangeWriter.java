package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.Op;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.catalog.TargetTable;
import org.apache.kafka.connect.data.Struct;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes row changes into the open target transaction, two ways: their net effect per table (batched),
 * or each change in source order (exact: a failure names the change). Shared by group commit and by
 * transactions streamed in parts.
 */
final class ChangeWriter {
    private final TargetSession session;
    private final RowEncoder encoder;
    private final SchemaChangeApplier schemaChanges;
    /** The change being written by {@link #writeInOrder}, for the error message when it fails. */
    private ChangeEvent current;

    ChangeWriter(TargetSession session, RowEncoder encoder, SchemaChangeApplier schemaChanges) {
        this.session = session;
        this.encoder = encoder;
        this.schemaChanges = schemaChanges;
    }

    /**
     * TRUNCATE, schema changes (the rows before one are written against the old definition, those after it against the
     * new), rows of keyless tables (no key to net changes by) and changes whose old row is identified by a replica
     * identity index rather than the primary key must be written change by change.
     */
    boolean needsOrder(List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            if (e.op() == Op.TRUNCATE || e.op() == Op.SCHEMA_CHANGE || encoder.isAllowedKeyless(e) || identifiedByIndex(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An UPDATE or DELETE of a table whose REPLICA IDENTITY is USING INDEX (replica.identity.index): Debezium's old
     * image holds the index columns, not the primary key, so the old row is found by those columns.
     */
    boolean identifiedByIndex(ChangeEvent e) {
        return (e.op() == Op.UPDATE || e.op() == Op.DELETE) && encoder.identityIndex(e) != null;
    }

    /** The net effect of {@code events} (in source order), one batch per table and statement shape. */
    void writeNetted(Iterable<ChangeEvent> events) throws SQLException {
        Map<TableName, TableChanges> tables = new LinkedHashMap<>();
        for (ChangeEvent event : events) {
            TargetTable table = session.table(event);
            tables.computeIfAbsent(table.id(), id -> new TableChanges(table, event.keyColumns())).add(event, encoder);
        }
        RowWriter writer = session.writer();
        for (TableChanges table : tables.values()) {
            table.writeTo(writer);
        }
    }

    /** Each change in source order; {@link #current()} names the one being written if it fails. */
    void writeInOrder(List<ChangeEvent> events) throws SQLException {
        current = null;
        RowWriter writer = session.writer();
        for (int e = 0; e < events.size(); e++) {
            current = events.get(e);
            if (current.op() == Op.SCHEMA_CHANGE) {
                // Consecutive schema changes (no row between them) are made as one: only their end state is ever seen.
                int end = e + 1;
                while (end < events.size() && events.get(end).op() == Op.SCHEMA_CHANGE) {
                    end++;
                }
                schemaChanges.apply(events.subList(e, end));
                e = end - 1;
            } else if (current.op() == Op.TRUNCATE) {
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
            } else if (identifiedByIndex(current)) {
                applyByIdentityIndex(writer, session.table(current), current);
            } else {
                TargetTable table = session.table(current);
                TableChanges single = new TableChanges(table, current.keyColumns());
                single.add(current, encoder);
                if (isKeyChange(events, e)) {
                    // DELETE of the old key and INSERT of the new one: written together, so the new row can
                    // carry unchanged TOASTed values from the old one before it is deleted.
                    single.add(events.get(++e), encoder);
                }
                single.writeTo(writer);
            }
        }
        current = null;
    }

    ChangeEvent current() {
        return current;
    }

    private static boolean isKeyChange(List<ChangeEvent> events, int delete) {
        if (delete + 1 >= events.size()) {
            return false;
        }
        ChangeEvent d = events.get(delete);
        ChangeEvent c = events.get(delete + 1);
        return d.op() == Op.DELETE && c.op() == Op.CREATE && d.table().equals(c.table())
                && d.source().lsn() == c.source().lsn();
    }

    /**
     * An UPDATE or DELETE of the one row whose replica identity index columns equal the old image's. An update
     * may change the primary key (Debezium cannot tell without the old key) and leaves columns it does not carry
     * (unchanged TOAST) as they are; on Citus a row whose distribution value changed is deleted where it is and
     * inserted whole (unchanged values carried from the old row).
     */
    private void applyByIdentityIndex(RowWriter writer, TargetTable table, ChangeEvent event) throws SQLException {
        // The old image has the identity columns when they changed (and for deletes); otherwise they are the new row's.
        List<String> identity = encoder.identityIndex(event);
        Struct image = event.before() != null && identity.stream().allMatch(c -> event.before().schema().field(c) != null
                && event.before().getWithoutDefault(c) != null) ? event.before() : event.after();
        List<String> identityValues = new ArrayList<>();
        for (String column : identity) {
            String value = image == null ? null : encoder.valueOf(event, image, table, column);
            if (value == null) {
                throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the change lacks column \"" + column
                        + "\" of the replica identity index named for this table in replica.identity.index, so the old row "
                        + "cannot be found on the target. Check that setting against the source table's REPLICA IDENTITY.", null);
            }
            identityValues.add(value);
        }
        if (event.op() == Op.DELETE) {
            expectOne(writer.deleteWhere(table, identity, identityValues), event, table);
            return;
        }
        EncodedRow after = encoder.encode(event, event.after(), table);
        String dist = table.isDistributed() ? table.distributionColumn() : null;
        List<String> set = new ArrayList<>();
        List<String> setValues = new ArrayList<>();
        for (String column : after.columns()) {
            TargetColumn c = table.column(column);
            if (c != null && !c.generated() && !column.equals(dist)) {
                set.add(column);
                setValues.add(after.value(column));
            }
        }
        List<String> where = new ArrayList<>(identity);
        List<String> whereValues = new ArrayList<>(identityValues);
        if (dist != null && after.has(dist) && !identity.contains(dist)) {
            where.add(dist);
            whereValues.add(after.value(dist));
        }
        int changed = set.isEmpty() ? writer.read(table, where, whereValues, List.of(where.get(0))) == null ? 0 : 1
                : writer.updateWhere(table, set, setValues, where, whereValues);
        if (changed == 0 && dist != null) {
            // Not under its new distribution value: it moved. Rebuild it whole there.
            List<String> columns = new ArrayList<>(table.columns().keySet().stream().filter(c -> !table.column(c).generated()).toList());
            java.util.Map<String, String> current = writer.read(table, identity, identityValues, columns);
            if (current != null) {
                java.util.LinkedHashMap<String, String> values = new java.util.LinkedHashMap<>(current);
                values.putAll(after.values());
                expectOne(writer.deleteWhere(table, identity, identityValues), event, table);
                writer.insert(table, new EncodedRow(values, java.util.Set.of()));
                return;
            }
        }
        expectOne(changed, event, table);
    }

    private static void expectOne(int changed, ChangeEvent event, TargetTable table) {
        if (changed != 1) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": " + changed + " rows on target table " + table.id()
                    + " match the old row's replica identity columns (expected 1), so the target has diverged from the source "
                    + "for this table, or lacks the source's unique replica identity index: re-snapshot it.", null);
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
            TargetColumn c = table.column(column);
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
}
