package io.citus.warp.sink.schema;

import io.citus.warp.common.TableName;
import io.citus.warp.sink.event.SchemaChange;
import io.citus.warp.sink.event.SourceColumn;
import io.citus.warp.sink.event.SourceTable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of schema change against the target it meets: what the sink makes itself (the exact statements), what it
 * refuses and what it tells the user to run, and what it recognises as already made (a restart, a user's fix).
 */
@Tag("unit")
class SchemaChangePlannerTest {
    private static final TableName ORDERS = new TableName("public", "orders");
    private static final String T = "ALTER TABLE \"public\".\"orders\" ";

    private static SourceColumn col(int attnum, String name, String type, long oid, int typmod) {
        return new SourceColumn(attnum, name, type, oid, typmod, null, false, null, null, null, null);
    }

    private static final SourceColumn ID = new SourceColumn(1, "id", "bigint", 20, -1, null, true, null, null, null, null);
    private static final SourceColumn TENANT = new SourceColumn(2, "tenant", "integer", 23, -1, null, true, null, null, null, null);
    private static final SourceColumn NAME = col(3, "name", "character varying(10)", 1043, 14);
    private static final SourceColumn AMOUNT = col(4, "amount", "numeric(10,2)", 1700, 655366);
    private static final List<SourceColumn> BASE = List.of(ID, TENANT, NAME, AMOUNT);

    private static SourceTable table(List<SourceColumn> columns) {
        return new SourceTable("public", "orders", "p", "d", List.of("id"), null, columns);
    }

    private static List<SourceColumn> plus(SourceColumn... extra) {
        List<SourceColumn> c = new ArrayList<>(BASE);
        c.addAll(List.of(extra));
        return c;
    }

    private static List<SourceColumn> replace(SourceColumn replacement) {
        List<SourceColumn> c = new ArrayList<>();
        for (SourceColumn b : BASE) {
            c.add(b.attnum() == replacement.attnum() ? replacement : b);
        }
        return c;
    }

    private static List<SourceColumn> without(int attnum) {
        return BASE.stream().filter(c -> c.attnum() != attnum).toList();
    }

    /** The target as warp schema creates it from BASE, distributed by tenant (primary key (id, tenant)). */
    private static TargetShape target(UnaryOperator<Map<String, TargetShape.Column>> edit) {
        Map<String, TargetShape.Column> columns = new LinkedHashMap<>();
        columns.put("id", new TargetShape.Column("id", "bigint", null, true, null, null, null));
        columns.put("tenant", new TargetShape.Column("tenant", "integer", null, true, null, null, null));
        columns.put("name", new TargetShape.Column("name", "character varying(10)", null, false, null, null, null));
        columns.put("amount", new TargetShape.Column("amount", "numeric(10,2)", null, false, null, null, null));
        return new TargetShape(ORDERS, edit.apply(columns), "orders_pkey", List.of("id", "tenant"), "tenant");
    }

    private static TargetShape target() {
        return target(UnaryOperator.identity());
    }

    private static TargetShape.Column tcol(String name, String type, boolean notNull, String def) {
        return new TargetShape.Column(name, type, null, notNull, def, null, null);
    }

    record Case(String name, SchemaChange change, TargetShape target, boolean apply, List<String> statements, boolean refused,
                String fixContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static SchemaChange change(int rewrite, List<SourceColumn> before, List<SourceColumn> after) {
        return new SchemaChange("slot", 1, "ALTER TABLE", rewrite, table(before), table(after));
    }

    private static Case applied(String name, SchemaChange change, TargetShape target, String... statements) {
        return new Case(name, change, target, true, List.of(statements), false, null);
    }

    private static Case refused(String name, SchemaChange change, TargetShape target, String fixContains) {
        return new Case(name, change, target, true, null, true, fixContains);
    }

    static Stream<Case> cases() {
        SourceColumn color = new SourceColumn(5, "color", "text", 25, -1, null, false, "'red'::text", "red", null, null);
        SourceColumn stamped = new SourceColumn(5, "created", "timestamp with time zone", 1184, -1, null, true, "now()",
                "2026-01-02 03:04:05.123456+00", null, null);
        SourceColumn plain = col(5, "note", "text", 25, -1);
        SourceColumn random = new SourceColumn(5, "r", "double precision", 701, -1, null, false, "random()", null, null, null);
        SourceColumn generated = new SourceColumn(5, "twice", "bigint", 20, -1, null, false, "(id * 2)", null, "s", null);
        SourceColumn quoted = new SourceColumn(5, "q", "text", 25, -1, "pg_catalog.\"C\"", false, "'it''s'::text", "it's \\ back",
                null, null);
        return Stream.of(
                applied("ADD COLUMN without default", change(0, BASE, plus(plain)), target(), T + "ADD COLUMN \"note\" text"),
                applied("ADD COLUMN with a constant default: existing rows read the stored value",
                        change(0, BASE, plus(color)), target(),
                        T + "ADD COLUMN \"color\" text DEFAULT E'red'::text", T + "ALTER COLUMN \"color\" SET DEFAULT 'red'::text"),
                applied("ADD COLUMN DEFAULT now() NOT NULL: the value the source stored, then its default",
                        change(0, BASE, plus(stamped)), target(),
                        T + "ADD COLUMN \"created\" timestamp with time zone DEFAULT E'2026-01-02 03:04:05.123456+00'::timestamp with time zone"
                                + " NOT NULL", T + "ALTER COLUMN \"created\" SET DEFAULT now()"),
                applied("ADD COLUMN with a collation and a value holding a quote and a backslash", change(0, BASE, plus(quoted)), target(),
                        T + "ADD COLUMN \"q\" text COLLATE pg_catalog.\"C\" DEFAULT E'it''s \\\\ back'::text",
                        T + "ALTER COLUMN \"q\" SET DEFAULT 'it''s'::text"),
                refused("ADD COLUMN DEFAULT random(): the source rewrote the rows", change(2, BASE, plus(random)), target(),
                        T + "ADD COLUMN \"r\" double precision DEFAULT random()"),
                refused("ADD COLUMN GENERATED ALWAYS AS ... STORED", change(2, BASE, plus(generated)), target(),
                        T + "ADD COLUMN \"twice\" bigint GENERATED ALWAYS AS ((id * 2)) STORED"),
                applied("ADD COLUMN the target already has (a restart, or the user's fix): nothing to make",
                        change(0, BASE, plus(color)), target(m -> {
                            m.put("color", tcol("color", "text", false, "'red'::text"));
                            return m;
                        })),
                applied("ADD COLUMN the target has with another default: only the default is made",
                        change(0, BASE, plus(color)), target(m -> {
                            m.put("color", tcol("color", "text", false, null));
                            return m;
                        }), T + "ALTER COLUMN \"color\" SET DEFAULT 'red'::text"),
                refused("ADD COLUMN the target has with another type", change(0, BASE, plus(color)), target(m -> {
                    m.put("color", tcol("color", "integer", false, null));
                    return m;
                }), null),
                applied("ADD COLUMN DEFAULT random() the user added on the target as told", change(2, BASE, plus(random)),
                        target(m -> {
                            m.put("r", tcol("r", "double precision", false, "random()"));
                            return m;
                        })),
                applied("DROP COLUMN", change(0, BASE, without(4)), target(), T + "DROP COLUMN \"amount\""),
                applied("DROP COLUMN the target no longer has", change(0, BASE, without(4)), target(m -> {
                    m.remove("amount");
                    return m;
                })),
                refused("DROP COLUMN of the distribution column", change(0, BASE, without(2)), target(), null),
                applied("varchar(10) -> varchar(30) without rewrite", change(0, BASE, replace(col(3, "name", "character varying(30)", 1043, 34))),
                        target(), T + "ALTER COLUMN \"name\" TYPE character varying(30)"),
                applied("varchar(10) -> text without rewrite", change(0, BASE, replace(col(3, "name", "text", 25, -1))),
                        target(), T + "ALTER COLUMN \"name\" TYPE text"),
                applied("numeric(10,2) -> numeric(12,2) without rewrite", change(0, BASE, replace(col(4, "amount", "numeric(12,2)", 1700, 786438))),
                        target(), T + "ALTER COLUMN \"amount\" TYPE numeric(12,2)"),
                applied("widening into a target column of type text: nothing to make",
                        change(0, BASE, replace(col(3, "name", "character varying(30)", 1043, 34))), target(m -> {
                            m.put("name", tcol("name", "text", false, null));
                            return m;
                        })),
                applied("a type change the target already has", change(0, BASE, replace(col(3, "name", "text", 25, -1))),
                        target(m -> {
                            m.put("name", tcol("name", "text", false, null));
                            return m;
                        })),
                refused("numeric(10,2) -> numeric(14,3): the source rewrote the rows", change(4, BASE,
                        replace(col(4, "amount", "numeric(14,3)", 1700, 917511))), target(), T + "ALTER COLUMN \"amount\" TYPE numeric(14,3)"),
                refused("a widening over a target column of another type", change(0, BASE,
                        replace(col(3, "name", "character varying(30)", 1043, 34))), target(m -> {
                            m.put("name", tcol("name", "character varying(5)", false, null));
                            return m;
                        }), null),
                refused("a type change of the distribution column", change(0,
                        List.of(ID, new SourceColumn(2, "tenant", "character varying(5)", 1043, 9, null, true, null, null, null, null)),
                        List.of(ID, new SourceColumn(2, "tenant", "character varying(9)", 1043, 13, null, true, null, null, null, null))),
                        target(m -> {
                            m.put("tenant", tcol("tenant", "character varying(5)", true, null));
                            return m;
                        }), null),
                refused("RENAME COLUMN: the same attnum under a new name, never a drop and an add",
                        change(0, BASE, replace(col(3, "label", "character varying(10)", 1043, 14))), target(),
                        T + "RENAME COLUMN \"name\" TO \"label\""),
                applied("RENAME COLUMN the user made on the target", change(0, BASE, replace(col(3, "label", "character varying(10)", 1043, 14))),
                        target(m -> {
                            Map<String, TargetShape.Column> r = new LinkedHashMap<>();
                            m.forEach((k, v) -> r.put(k.equals("name") ? "label" : k, k.equals("name")
                                    ? tcol("label", "character varying(10)", false, null) : v));
                            return r;
                        })),
                applied("SET DEFAULT and SET NOT NULL", change(0, BASE, replace(new SourceColumn(3, "name", "character varying(10)",
                        1043, 14, null, true, "'x'::character varying", null, null, null))), target(),
                        T + "ALTER COLUMN \"name\" SET DEFAULT 'x'::character varying", T + "ALTER COLUMN \"name\" SET NOT NULL"),
                applied("SET ACCESS METHOD rewrites no value", change(8, BASE, BASE), target()),
                new Case("schema.changes=stop: an ADD COLUMN is not made, the statement is the fix", change(0, BASE, plus(plain)), target(),
                        false, null, true, T + "ADD COLUMN \"note\" text"),
                new Case("schema.changes=stop: the user made it, the sink goes on", change(0, BASE, plus(plain)), target(m -> {
                    m.put("note", tcol("note", "text", false, null));
                    return m;
                }), false, List.of(), false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachChangeIsMadeOrRefusedWithItsFix(Case c) {
        SchemaChangePlan plan = new SchemaChangePlanner(c.apply(), Set.of()).plan(c.change(), c.target(), null);
        assertEquals(c.refused(), plan.refused(), c.name() + ": " + plan);
        if (c.refused()) {
            assertTrue(c.fixContains() == null || plan.fix().contains(c.fixContains()), c.name() + ": fix " + plan.fix());
        } else {
            assertEquals(c.statements(), plan.statements(), c.name());
        }
        assertTrue(!plan.change().isEmpty(), c.name() + " names the change");
    }

    static Stream<Case> tableCases() {
        SourceTable before = table(BASE);
        return Stream.of(
                refused("DROP TABLE", new SchemaChange("slot", 1, "DROP TABLE", 0, before, null), target(),
                        "DROP TABLE \"public\".\"orders\" (or ALTER TABLE ... RENAME TO another name, to keep its rows)"),
                applied("DROP TABLE the target no longer has", new SchemaChange("slot", 1, "DROP TABLE", 0, before, null), null),
                refused("RENAME TABLE", new SchemaChange("slot", 1, "ALTER TABLE", 0, before,
                        new SourceTable("public", "purchases", "p", "d", List.of("id"), null, BASE)), target(),
                        "ALTER TABLE \"public\".\"orders\" RENAME TO \"purchases\""),
                refused("a new primary key", new SchemaChange("slot", 1, "ALTER TABLE", 0, before,
                        new SourceTable("public", "orders", "p", "d", List.of("id", "name"), null, BASE)), target(),
                        "ALTER TABLE \"public\".\"orders\" ADD PRIMARY KEY (\"id\", \"name\", \"tenant\")"),
                refused("SET UNLOGGED", new SchemaChange("slot", 1, "ALTER TABLE", 1, before,
                        new SourceTable("public", "orders", "u", "d", List.of("id"), null, BASE)), target(), null),
                applied("REPLICA IDENTITY FULL", new SchemaChange("slot", 1, "ALTER TABLE", 0, before,
                        new SourceTable("public", "orders", "p", "f", List.of("id"), null, BASE)), target()),
                refused("REPLICA IDENTITY NOTHING", new SchemaChange("slot", 1, "ALTER TABLE", 0, before,
                        new SourceTable("public", "orders", "p", "n", List.of("id"), null, BASE)), target(), null),
                refused("REPLICA IDENTITY USING INDEX the sink is not told of", new SchemaChange("slot", 1, "ALTER TABLE", 0, before,
                        new SourceTable("public", "orders", "p", "i", List.of("id"), null, BASE)), target(), null),
                applied("a partition created", new SchemaChange("slot", 1, "CREATE TABLE", 0,
                        new SourceTable("public", "orders", "p", "d", List.of("id"), List.of("orders_a"), BASE),
                        new SourceTable("public", "orders", "p", "d", List.of("id"), List.of("orders_a", "orders_b"), BASE)), target()),
                refused("a partition detached", new SchemaChange("slot", 1, "ALTER TABLE", 0,
                        new SourceTable("public", "orders", "p", "d", List.of("id"), List.of("orders_a", "orders_b"), BASE),
                        new SourceTable("public", "orders", "p", "d", List.of("id"), List.of("orders_a"), BASE)), target(), null),
                refused("a table attached as a partition", new SchemaChange("slot", 1, "ALTER TABLE", 0,
                        new SourceTable("public", "orders", "p", "d", List.of("id"), List.of("orders_a"), BASE),
                        new SourceTable("public", "orders", "p", "d", List.of("id"), List.of("orders_a", "orders_b"), BASE)), target(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tableCases")
    void tableLevelChanges(Case c) {
        eachChangeIsMadeOrRefusedWithItsFix(c);
    }
}
