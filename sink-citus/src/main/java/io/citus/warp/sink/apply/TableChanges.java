package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.Lsn;
import io.citus.warp.sink.catalog.TargetTable;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The net effect of a run of changes on one table, per source key: the row's final image, a partial
 * image (unchanged TOAST columns left alone), or its deletion. Changes to different keys commute, so a
 * group of source transactions can be written as one batch per statement shape; the final state equals
 * applying every change in order (constraints aside: a violation sends the group to the exact path).
 *
 * <p>A primary-key change arrives as DELETE of the old key and INSERT of the new one at the same source
 * LSN. Under REPLICA IDENTITY DEFAULT the new row lacks the unchanged TOASTed values; they are carried
 * from the old row: from this run's image of it when it has them, else read from the target before any
 * delete of the run is written. A value that cannot be known stops the sink; it is never written as NULL.
 */
final class TableChanges {
    private sealed interface Net permits Upsert, Patch, Delete, Carry {
    }

    /**
     * @param existed the row may already exist on the target (for Citus: perhaps under another distribution value)
     * @param routing the row's distribution value on the target before this group, when an old image told it
     *                (REPLICA IDENTITY FULL): a moved row is then deleted on that one shard
     */
    private record Upsert(EncodedRow row, boolean existed, String routing) implements Net {
    }

    private record Patch(EncodedRow row) implements Net {
    }

    private record Delete(KeyedDelete delete) implements Net {
    }

    /**
     * A new row (a key change's new key) whose unchanged TOASTed values are those of the row stored on the
     * target under {@code origin}; read before this run's deletes are written.
     */
    private record Carry(EncodedRow row, List<String> origin, String originRouting, ChangeEvent event, boolean existed)
            implements Net {
    }

    /** The DELETE just added: a key change's INSERT at the same LSN takes its unavailable values from it. */
    private record KeyChange(List<String> oldKey, Net before, String routing, long lsn) {
    }

    private final TargetTable table;
    private final List<String> keyColumns;
    /** Distributed table whose distribution column is not in the source key: an update may move the row. */
    private final boolean mayMove;
    private final Map<List<String>, Net> rows = new LinkedHashMap<>();
    private final Map<List<String>, ChangeEvent> lastEvent = new LinkedHashMap<>();
    private KeyChange lastDelete;

    TableChanges(TargetTable table, List<String> keyColumns) {
        this.table = table;
        this.keyColumns = keyColumns;
        this.mayMove = table.isDistributed() && table.distributionColumn() != null
                && !keyColumns.contains(table.distributionColumn());
    }

    void add(ChangeEvent event, RowEncoder encoder) {
        List<String> key = encoder.key(event, table);
        Net previous = rows.get(key);
        KeyChange keyChange = lastDelete;
        lastDelete = null;
        Net next = switch (event.op()) {
            case CREATE, READ -> insert(event, encoder.encode(event, event.after(), table), previous, keyChange);
            case UPDATE -> update(encoder.encode(event, event.after(), table), previous,
                    mayMove ? encoder.valueOf(event, event.before(), table, table.distributionColumn()) : null);
            case DELETE -> {
                String routing = mayMove ? encoder.valueOf(event, event.before(), table, table.distributionColumn()) : null;
                lastDelete = new KeyChange(key, previous, routing, event.source().lsn());
                yield new Delete(new KeyedDelete(key, routing));
            }
            case TRUNCATE, SCHEMA_CHANGE -> throw new IllegalStateException(event.op() + " is applied in order, not netted");
        };
        rows.put(key, next);
        lastEvent.put(key, event);
    }

    private Net insert(ChangeEvent event, EncodedRow row, Net previous, KeyChange keyChange) {
        if (row.isComplete()) {
            return new Upsert(row, previous != null, null);
        }
        if (keyChange == null || keyChange.lsn() != event.source().lsn()) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the new row of table " + event.table()
                    + " lacks the value of column(s) " + row.unavailable() + " (Debezium's unchanged-TOAST placeholder) and is "
                    + "not the new key of a primary-key change, so the value cannot be known. Set REPLICA IDENTITY FULL on the "
                    + "source table and re-snapshot it.", null);
        }
        // The key change's old row, as this run knows it, may hold the values already.
        Net before = keyChange.before();
        if (before instanceof Upsert u) {
            EncodedRow merged = row.over(u.row());
            if (merged.isComplete()) {
                return new Upsert(merged, previous != null, null);
            }
            row = merged;
        } else if (before instanceof Patch p) {
            row = row.over(p.row());
        } else if (before instanceof Carry c) {
            EncodedRow merged = row.over(c.row());
            return merged.isComplete() ? new Upsert(merged, previous != null, null)
                    : new Carry(merged, c.origin(), c.originRouting(), event, previous != null);
        }
        if (row.isComplete()) {
            return new Upsert(row, previous != null, null);
        }
        if (before instanceof Upsert u && !u.existed()) {
            throw new ApplyException(ErrorKind.PERMANENT, event.describe() + ": the new row of a primary-key change on table "
                    + event.table() + " lacks the unchanged TOASTed column(s) " + row.unavailable() + " and the old row was "
                    + "inserted without them. Set REPLICA IDENTITY FULL on the source table and re-snapshot it.", null);
        }
        return new Carry(row, keyChange.oldKey(), keyChange.routing(), event, previous != null);
    }

    private static Net update(EncodedRow row, Net previous, String oldRouting) {
        // Where the row was before this group: the first change of the group to it knows.
        String routing = previous == null ? oldRouting : previous instanceof Upsert u ? u.routing() : null;
        if (row.isComplete()) {
            return new Upsert(row, !(previous instanceof Upsert u && !u.existed()), routing);
        }
        if (previous instanceof Upsert u) {
            EncodedRow merged = row.over(u.row());
            return merged.isComplete() ? new Upsert(merged, u.existed(), routing) : new Patch(merged);
        }
        if (previous instanceof Patch p) {
            return new Patch(row.over(p.row()));
        }
        if (previous instanceof Carry c) {
            EncodedRow merged = row.over(c.row());
            return merged.isComplete() ? new Upsert(merged, c.existed(), null)
                    : new Carry(merged, c.origin(), c.originRouting(), c.event(), c.existed());
        }
        return new Patch(row);
    }

    /** Writes the net changes: carried values read first, then deletes, inserts/updates, partial updates. */
    void writeTo(TableWrites writer) throws SQLException {
        resolveCarries(writer);
        List<KeyedDelete> deletes = new ArrayList<>();
        List<EncodedRow> upserts = new ArrayList<>();
        List<EncodedRow> movable = new ArrayList<>();
        List<String> movableRouting = new ArrayList<>();
        List<EncodedRow> patches = new ArrayList<>();
        List<ChangeEvent> patchEvents = new ArrayList<>();
        for (Map.Entry<List<String>, Net> entry : rows.entrySet()) {
            Net net = entry.getValue();
            if (net instanceof Delete d) {
                deletes.add(d.delete());
            } else if (net instanceof Upsert u) {
                if (mayMove && u.existed()) {
                    movable.add(u.row());
                    movableRouting.add(u.routing());
                } else {
                    upserts.add(u.row());
                }
            } else if (net instanceof Patch p) {
                patches.add(p.row());
                patchEvents.add(lastEvent.get(entry.getKey()));
            } else {
                throw new IllegalStateException("unresolved carried row " + net);
            }
        }
        if (!deletes.isEmpty()) {
            writer.delete(table, keyColumns, deletes);
        }
        if (!upserts.isEmpty()) {
            writer.upsert(table, upserts);
        }
        if (!movable.isEmpty()) {
            writeMovable(writer, movable, movableRouting);
        }
        if (!patches.isEmpty()) {
            List<String> where = new ArrayList<>(keyColumns);
            if (mayMove) {
                where.add(table.distributionColumn());
            }
            int[] counts = writer.update(table, patches, where);
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0 && !(mayMove && moveWithCarriedValues(writer, patches.get(i)))) {
                    throw new ApplyException(ErrorKind.PERMANENT, missingRowMessage(patchEvents.get(i), patches.get(i)), null);
                }
            }
        }
    }

    /** Fills each key change's unchanged TOASTed values from the old row on the target, before anything is deleted. */
    private void resolveCarries(TableWrites writer) throws SQLException {
        for (Map.Entry<List<String>, Net> entry : rows.entrySet()) {
            if (!(entry.getValue() instanceof Carry c)) {
                continue;
            }
            List<String> missing = new ArrayList<>(c.row().unavailable());
            Map<String, String> old = null;
            if (mayMove && c.originRouting() != null) {
                List<String> where = new ArrayList<>(keyColumns);
                where.add(table.distributionColumn());
                List<String> values = new ArrayList<>(c.origin());
                values.add(c.originRouting());
                old = writer.read(table, where, values, missing);
            }
            if (old == null) {
                old = writer.read(table, keyColumns, c.origin(), missing);
            }
            if (old == null) {
                throw new ApplyException(ErrorKind.PERMANENT, c.event().describe() + ": a primary-key change on table "
                        + c.event().table() + " leaves the unchanged TOASTed column(s) " + missing + " out of the new row, and "
                        + "the old row is not on target table " + table.id() + " to carry them from (source commit LSN "
                        + Lsn.format(c.event().source().lsn()) + "). The target has diverged for this table: set REPLICA "
                        + "IDENTITY FULL on the source table and re-snapshot it.", null);
            }
            LinkedHashMap<String, String> values = new LinkedHashMap<>(c.row().values());
            values.putAll(old);
            entry.setValue(new Upsert(new EncodedRow(values, java.util.Set.of()), c.existed(), null));
        }
    }

    /**
     * A partial row (unchanged TOASTed values left out) not found under its new distribution value: it moved.
     * Its unchanged values are read from where it is now (matched by key alone), then it is deleted there and
     * inserted whole under the new value. False when the row is nowhere on the target.
     */
    private boolean moveWithCarriedValues(TableWrites writer, EncodedRow row) throws SQLException {
        List<String> key = keyColumns.stream().map(row::value).toList();
        Map<String, String> old = writer.read(table, keyColumns, key, new ArrayList<>(row.unavailable()));
        if (old == null) {
            return false;
        }
        LinkedHashMap<String, String> values = new LinkedHashMap<>(row.values());
        values.putAll(old);
        writer.delete(table, keyColumns, List.of(new KeyedDelete(key, null)));
        writer.upsert(table, List.of(new EncodedRow(values, java.util.Set.of())));
        return true;
    }

    /**
     * Rows that may have moved to another distribution value: update in place where the row still has
     * its distribution value; otherwise delete it wherever it is and insert it anew.
     */
    private void writeMovable(TableWrites writer, List<EncodedRow> rows, List<String> routing) throws SQLException {
        List<String> where = new ArrayList<>(keyColumns);
        where.add(table.distributionColumn());
        int[] counts = writer.update(table, rows, where);
        List<KeyedDelete> moved = new ArrayList<>();
        List<EncodedRow> reinserted = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                EncodedRow row = rows.get(i);
                moved.add(new KeyedDelete(keyColumns.stream().map(row::value).toList(), routing.get(i)));
                reinserted.add(row);
            }
        }
        if (!moved.isEmpty()) {
            writer.delete(table, keyColumns, moved);
            writer.upsert(table, reinserted);
        }
    }

    private String missingRowMessage(ChangeEvent event, EncodedRow row) {
        return event.describe() + ": the row does not exist on target table " + table.id() + (mayMove ? " under any "
                + "distribution value" : "") + ", and the update leaves the unchanged TOASTed column(s) " + row.unavailable()
                + " out, so the row cannot be rebuilt. The target has diverged from the source for this table: re-snapshot it.";
    }

}
