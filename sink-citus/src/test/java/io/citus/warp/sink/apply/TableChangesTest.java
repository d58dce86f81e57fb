package io.citus.warp.sink.apply;

import io.citus.warp.sink.errors.ApplyException;
import io.citus.warp.sink.event.ChangeEvent;
import io.citus.warp.sink.event.KafkaPosition;
import io.citus.warp.sink.event.Op;
import io.citus.warp.sink.event.SourcePosition;
import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TargetColumn;
import io.citus.warp.sink.catalog.TargetTable;
import io.citus.warp.sink.value.PgText;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netting: the net effect of a run of changes, written in batches, must leave the table exactly as applying
 * every change in source order does. Checked over every valid sequence of up to four changes (insert, full
 * update, update leaving the TOASTed column unchanged, delete, primary-key change with and without the
 * TOASTed value, update moving a row to another distribution value) on two keys (one on the target before), against a model of the
 * source table, on a plain table and on a Citus-style table whose distribution column is not in the key.
 */
@Tag("unit")
class TableChangesTest {
    private static final String PLACEHOLDER = PgText.DEFAULT_UNAVAILABLE_PLACEHOLDER;
    private static final TableName T = new TableName("public", "t");
    private static final Schema ROW = SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("tenant", Schema.OPTIONAL_STRING_SCHEMA)
            .field("v", Schema.OPTIONAL_STRING_SCHEMA)
            .field("t", Schema.OPTIONAL_STRING_SCHEMA).build();

    /** One source change; {@code to} is the new key of a key change. */
    private record Step(String kind, long key, long to) {
        @Override
        public String toString() {
            return kind + key + (to > 0 ? "->" + to : "");
        }
    }

    static Stream<Arguments> sequences() {
        List<List<Step>> all = new ArrayList<>();
        extend(new ArrayList<>(), new TreeMap<>(Map.of(1L, true, 2L, false)), all);
        List<Arguments> args = new ArrayList<>();
        for (List<Step> seq : all) {
            args.add(Arguments.of(seq, false));
            args.add(Arguments.of(seq, true));
        }
        return args.stream();
    }

    /** Every valid sequence up to four steps; key 1 exists on the target before, key 2 does not. */
    private static void extend(List<Step> prefix, TreeMap<Long, Boolean> exists, List<List<Step>> out) {
        if (!prefix.isEmpty()) {
            out.add(List.copyOf(prefix));
        }
        if (prefix.size() == 4) {
            return;
        }
        for (long k : exists.keySet()) {
            List<Step> options = new ArrayList<>();
            if (exists.get(k)) {
                options.add(new Step("update", k, 0));
                options.add(new Step("updateKeepToast", k, 0));
                options.add(new Step("move", k, 0));
                options.add(new Step("delete", k, 0));
                for (long to : exists.keySet()) {
                    if (!exists.get(to)) {
                        options.add(new Step("rekey", k, to));
                        options.add(new Step("rekeyKeepToast", k, to));
                    }
                }
            } else {
                options.add(new Step("insert", k, 0));
            }
            for (Step step : options) {
                TreeMap<Long, Boolean> next = new TreeMap<>(exists);
                if (step.kind().equals("delete")) {
                    next.put(k, false);
                } else if (step.kind().startsWith("rekey")) {
                    next.put(k, false);
                    next.put(step.to(), true);
                } else {
                    next.put(k, true);
                }
                prefix.add(step);
                extend(prefix, next, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }

    @ParameterizedTest(name = "{0} distributed={1}")
    @MethodSource("sequences")
    void theNetEffectEqualsApplyingEveryChangeInOrder(List<Step> steps, boolean distributed) throws Exception {
        TargetTable table = table(distributed);
        Model source = Model.initial();
        MemoryTable target = new MemoryTable(table, Model.initial().rows);
        TableChanges net = new TableChanges(table, List.of("id"));
        RowEncoder encoder = new RowEncoder(new PgText(PLACEHOLDER, false));
        long lsn = 100;
        int version = 0;
        for (Step step : steps) {
            lsn += 10;
            version++;
            for (ChangeEvent event : source.apply(step, lsn, version)) {
                net.add(event, encoder);
            }
        }
        net.writeTo(target);
        assertEquals(source.rows, target.rowsByKey(), "target after the netted write vs the source after " + steps);
    }

    @Test
    void aKeyChangeWhoseOldRowIsNotOnTheTargetIsRefusedNotWrittenWithoutItsValue() {
        TargetTable table = table(false);
        MemoryTable target = new MemoryTable(table, new TreeMap<>());
        TableChanges net = new TableChanges(table, List.of("id"));
        RowEncoder encoder = new RowEncoder(new PgText(PLACEHOLDER, false));
        net.add(event(Op.DELETE, 110, 7, null, null, null, true), encoder);
        net.add(event(Op.CREATE, 110, 8, "a", "v", PLACEHOLDER, false), encoder);
        ApplyException e = assertThrows(ApplyException.class, () -> net.writeTo(target));
        assertTrue(e.getMessage().contains("TOASTed") && e.getMessage().contains("REPLICA IDENTITY FULL"), e.getMessage());
        assertEquals(Map.of(), target.rowsByKey(), "nothing written");
    }

    @Test
    void anInsertLackingAValueThatIsNoKeyChangeIsRefused() {
        TableChanges net = new TableChanges(table(false), List.of("id"));
        RowEncoder encoder = new RowEncoder(new PgText(PLACEHOLDER, false));
        ApplyException e = assertThrows(ApplyException.class,
                () -> net.add(event(Op.CREATE, 110, 9, "a", "v", PLACEHOLDER, false), encoder));
        assertTrue(e.getMessage().contains("cannot be known"), e.getMessage());
    }

    private static TargetTable table(boolean distributed) {
        Map<String, TargetColumn> columns = new LinkedHashMap<>();
        columns.put("id", new TargetColumn("id", "bigint", "bigint", 'N', null, false, false, true, 0));
        for (String c : List.of("tenant", "v", "t")) {
            columns.put(c, new TargetColumn(c, "text", "text", 'S', null, false, false, c.equals("tenant"), 0));
        }
        return distributed
                ? new TargetTable(T, columns, List.of("id", "tenant"), new CitusPlacement(CitusPlacement.Kind.DISTRIBUTED, "tenant"))
                : new TargetTable(T, columns, List.of("id"), CitusPlacement.NOT_CITUS_TABLE);
    }

    private static ChangeEvent event(Op op, long lsn, long id, String tenant, String v, String t, boolean keyOnly) {
        Struct row = new Struct(ROW).put("id", id);
        if (!keyOnly) {
            row.put("tenant", tenant).put("v", v).put("t", t);
        }
        Struct before = op == Op.CREATE ? null : keyOnly ? row : new Struct(ROW).put("id", id);
        Struct after = op == Op.DELETE ? null : row;
        return new ChangeEvent(new KafkaPosition("t", 0, lsn), op, T, List.of("id"), ROW, before, after,
                new SourcePosition(lsn, 0, 1, 0), "false", 1, 0);
    }

    /** The source table, and the events Debezium sends for each step (REPLICA IDENTITY DEFAULT). */
    private static final class Model {
        final TreeMap<Long, Map<String, String>> rows = new TreeMap<>();

        static Model initial() {
            Model m = new Model();
            m.rows.put(1L, row(1, "a", "v0", "toast0"));
            return m;
        }

        static Map<String, String> row(long id, String tenant, String v, String t) {
            Map<String, String> r = new HashMap<>();
            r.put("id", String.valueOf(id));
            r.put("tenant", tenant);
            r.put("v", v);
            r.put("t", t);
            return r;
        }

        List<ChangeEvent> apply(Step step, long lsn, int version) {
            long k = step.key();
            Map<String, String> old = rows.get(k);
            String v = "v" + version;
            String t = "toast" + version;
            switch (step.kind()) {
                case "insert" -> {
                    rows.put(k, row(k, "a", v, t));
                    return List.of(event(Op.CREATE, lsn, k, "a", v, t, false));
                }
                case "update" -> {
                    rows.put(k, row(k, old.get("tenant"), v, t));
                    return List.of(event(Op.UPDATE, lsn, k, old.get("tenant"), v, t, false));
                }
                case "updateKeepToast" -> {
                    rows.put(k, row(k, old.get("tenant"), v, old.get("t")));
                    return List.of(event(Op.UPDATE, lsn, k, old.get("tenant"), v, PLACEHOLDER, false));
                }
                case "move" -> {
                    String tenant = old.get("tenant").equals("a") ? "b" : "a";
                    rows.put(k, row(k, tenant, v, old.get("t")));
                    return List.of(event(Op.UPDATE, lsn, k, tenant, v, PLACEHOLDER, false));
                }
                case "delete" -> {
                    rows.remove(k);
                    return List.of(event(Op.DELETE, lsn, k, null, null, null, true));
                }
                case "rekey", "rekeyKeepToast" -> {
                    boolean keep = step.kind().equals("rekeyKeepToast");
                    rows.remove(k);
                    rows.put(step.to(), row(step.to(), old.get("tenant"), v, keep ? old.get("t") : t));
                    // One WAL record: DELETE of the old key and INSERT of the new one share its LSN.
                    return List.of(event(Op.DELETE, lsn, k, null, null, null, true),
                            event(Op.CREATE, lsn, step.to(), old.get("tenant"), v, keep ? PLACEHOLDER : t, false));
                }
                default -> throw new IllegalArgumentException(step.kind());
            }
        }
    }

    /** A target table in memory, with the statement semantics of {@link RowWriter} on PostgreSQL/Citus. */
    private static final class MemoryTable implements TableWrites {
        private final TargetTable table;
        private final List<Map<String, String>> rows = new ArrayList<>();

        MemoryTable(TargetTable table, Map<Long, Map<String, String>> initial) {
            this.table = table;
            initial.values().forEach(r -> rows.add(new HashMap<>(r)));
        }

        Map<Long, Map<String, String>> rowsByKey() {
            TreeMap<Long, Map<String, String>> byKey = new TreeMap<>();
            for (Map<String, String> r : rows) {
                if (byKey.put(Long.parseLong(r.get("id")), r) != null) {
                    throw new AssertionError("duplicate source key " + r.get("id") + " on the target: " + rows);
                }
            }
            return byKey;
        }

        private List<Map<String, String>> matching(List<String> where, List<String> values) {
            List<Map<String, String>> found = new ArrayList<>();
            for (Map<String, String> r : rows) {
                boolean all = true;
                for (int i = 0; i < where.size(); i++) {
                    all &= values.get(i) != null && values.get(i).equals(r.get(where.get(i)));
                }
                if (all) {
                    found.add(r);
                }
            }
            return found;
        }

        @Override
        public void delete(TargetTable t, List<String> keyColumns, List<KeyedDelete> deletes) {
            for (KeyedDelete d : deletes) {
                List<Map<String, String>> hit = List.of();
                if (t.isDistributed() && d.routing() != null) {
                    List<String> where = new ArrayList<>(keyColumns);
                    where.add(t.distributionColumn());
                    List<String> values = new ArrayList<>(d.key());
                    values.add(d.routing());
                    hit = matching(where, values);
                }
                if (hit.isEmpty()) {
                    hit = matching(keyColumns, d.key());
                }
                rows.removeAll(hit);
            }
        }

        @Override
        public void upsert(TargetTable t, List<EncodedRow> upserts) {
            for (EncodedRow row : upserts) {
                List<String> pkValues = t.primaryKey().stream().map(row::value).toList();
                List<Map<String, String>> hit = matching(t.primaryKey(), pkValues);
                if (hit.isEmpty()) {
                    Map<String, String> r = new HashMap<>();
                    for (String c : t.columns().keySet()) {
                        r.put(c, null);
                    }
                    r.putAll(row.values());
                    rows.add(r);
                } else {
                    for (String c : row.columns()) {
                        if (t.updatable(c)) {
                            hit.get(0).put(c, row.value(c));
                        }
                    }
                }
            }
        }

        @Override
        public int[] update(TargetTable t, List<EncodedRow> updates, List<String> where) {
            int[] counts = new int[updates.size()];
            for (int i = 0; i < updates.size(); i++) {
                EncodedRow row = updates.get(i);
                List<Map<String, String>> hit = matching(where, where.stream().map(row::value).toList());
                for (Map<String, String> r : hit) {
                    for (String c : row.columns()) {
                        if (t.updatable(c) && !where.contains(c)) {
                            r.put(c, row.value(c));
                        }
                    }
                }
                counts[i] = hit.size();
            }
            return counts;
        }

        @Override
        public Map<String, String> read(TargetTable t, List<String> where, List<String> values, List<String> columns) {
            List<Map<String, String>> hit = matching(where, values);
            if (hit.isEmpty()) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            columns.forEach(c -> out.put(c, hit.get(0).get(c)));
            return out;
        }
    }
}
