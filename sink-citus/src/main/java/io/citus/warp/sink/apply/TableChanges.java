package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.errors.ErrorKind;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.target.TargetTable;

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
 */
final class TableChanges {
    private sealed interface Net permits Upsert, Patch, Delete {
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

    private final TargetTable table;
    private final List<String> keyColumns;
    /** Distributed table whose distribution column is not in the source key: an update may move the row. */
    private final boolean mayMove;
    private final Map<List<String>, Net> rows = new LinkedHashMap<>();
    private final Map<List<String>, ChangeEvent> lastEvent = new LinkedHashMap<>();

    TableChanges(TargetTable table, List<String> keyColumns) {
        this.table = table;
        this.keyColumns = keyColumns;
        this.mayMove = table.isDistributed() && table.distributionColumn() != null
                && !keyColumns.contains(table.distributionColumn());
    }

    void add(ChangeEvent event, RowEncoder encoder) {
        List<String> key = encoder.key(event, table);
        Net previous = rows.get(key);
        Net next = switch (event.op()) {
            case CREATE, READ -> new Upsert(encoder.encode(event, event.after(), table), previous != null, null);
            case UPDATE -> update(encoder.encode(event, event.after(), table), previous,
                    mayMove ? encoder.valueOf(event, event.before(), table, table.distributionColumn()) : null);
            case DELETE -> new Delete(new KeyedDelete(key, mayMove
                    ? encoder.valueOf(event, event.before(), table, table.distributionColumn()) : null));
            case TRUNCATE -> throw new IllegalStateException("TRUNCATE is applied in order, not netted");
        };
        rows.put(key, next);
        lastEvent.put(key, event);
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
        return new Patch(row);
    }

    /** Writes the net changes: deletes first, then inserts/updates, then partial updates. */
    void writeTo(RowWriter writer) throws SQLException {
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
                if (counts[i] == 0) {
                    throw new ApplyException(ErrorKind.PERMANENT, missingRowMessage(patchEvents.get(i), patches.get(i)), null);
                }
            }
        }
    }

    /**
     * Rows that may have moved to another distribution value: update in place where the row still has
     * its distribution value; otherwise delete it wherever it is and insert it anew.
     */
    private void writeMovable(RowWriter writer, List<EncodedRow> rows, List<String> routing) throws SQLException {
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
        String base = event.describe() + ": the row does not exist on target table " + table.id();
        if (mayMove) {
            return base + " under its distribution value (" + table.distributionColumn() + " = " + row.value(table.distributionColumn())
                    + "): it moved to another distribution value in the same update that left the unchanged TOASTed column(s) "
                    + row.unavailable() + " out of the event, so the row cannot be rebuilt on the target. Set REPLICA IDENTITY FULL "
                    + "on the source table (then Debezium sends every column) and re-snapshot it.";
        }
        return base + ", and the update leaves the unchanged TOASTed column(s) " + row.unavailable() + " out, so the row "
                + "cannot be rebuilt. The target has diverged from the source for this table: re-snapshot it.";
    }
}
