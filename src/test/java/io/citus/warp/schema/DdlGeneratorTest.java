package io.citus.warp.schema;

import io.citus.warp.common.TableName;
import io.citus.warp.schema.TableDefinition.Column;
import io.citus.warp.schema.TableDefinition.Constraint;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DDL warp schema writes: columns, defaults, identity and generated columns, keys, types, distribution. */
@Tag("unit")
class DdlGeneratorTest {

    private static Column col(String name, String type, boolean notNull) {
        return new Column(name, type, notNull, null, false, (char) 0, null, null);
    }

    @Test
    void ddlRecreatesColumnsDefaultsIdentityGeneratedAndPrimaryKey() {
        TableDefinition t = new TableDefinition(new TableName("sales", "Orders"), List.of(
                new Column("id", "bigint", true, "nextval('sales.\"Orders_id_seq\"'::regclass)", true, (char) 0, null, null),
                new Column("ext", "integer", true, null, false, 'a', null, null),
                new Column("status", "sales.order_status", true, "'new'::sales.order_status", false, (char) 0, null, null),
                new Column("amount", "numeric(10,2)", false, null, false, (char) 0, null, null),
                new Column("amount_x2", "numeric", false, null, false, (char) 0, "(amount * (2)::numeric)", null),
                new Column("name", "text", false, null, false, (char) 0, null, "pg_catalog.\"C\"")),
                List.of(new Constraint("Orders_pkey", 'p', "PRIMARY KEY (id)", List.of("id")),
                        new Constraint("amount_positive", 'c', "CHECK ((amount > (0)::numeric))", List.of("amount"))),
                List.of("CREATE INDEX orders_name ON sales.\"Orders\" USING btree (name)"), 'd');
        UserType status = new UserType("sales", "order_status", 'e', List.of("new", "paid", "it's shipped"), null, false, null, List.of());
        List<String> ddl = DdlGenerator.statements(List.of(status), List.of(t));
        assertEquals("CREATE SCHEMA IF NOT EXISTS \"sales\"", ddl.get(0));
        assertEquals("DO $warp$ BEGIN CREATE TYPE \"sales\".\"order_status\" AS ENUM ('new', 'paid', 'it''s shipped');"
                + " EXCEPTION WHEN duplicate_object THEN NULL; END $warp$", ddl.get(1));
        assertEquals("CREATE TABLE IF NOT EXISTS \"sales\".\"Orders\" (\n"
                + "    \"id\" bigserial NOT NULL,\n"
                + "    \"ext\" integer GENERATED ALWAYS AS IDENTITY NOT NULL,\n"
                + "    \"status\" sales.order_status DEFAULT 'new'::sales.order_status NOT NULL,\n"
                + "    \"amount\" numeric(10,2),\n"
                + "    \"amount_x2\" numeric GENERATED ALWAYS AS ((amount * (2)::numeric)) STORED,\n"
                + "    \"name\" text COLLATE pg_catalog.\"C\",\n"
                + "    CONSTRAINT \"Orders_pkey\" PRIMARY KEY (id),\n"
                + "    CONSTRAINT \"amount_positive\" CHECK ((amount > (0)::numeric))\n"
                + ")", ddl.get(2));
        assertEquals("CREATE INDEX IF NOT EXISTS orders_name ON sales.\"Orders\" USING btree (name)", ddl.get(3));
        assertEquals(4, ddl.size());
    }

    @Test
    void domainDdlCarriesBaseTypeDefaultNotNullAndChecks() {
        UserType d = new UserType("public", "email", 'd', List.of(), "text", true, "'x@y'::text",
                List.of("CONSTRAINT \"has_at\" CHECK ((VALUE ~~ '%@%'::text))"));
        String ddl = DdlGenerator.statements(List.of(d), List.of()).get(0);
        assertTrue(ddl.contains("CREATE DOMAIN \"public\".\"email\" AS text DEFAULT 'x@y'::text NOT NULL CONSTRAINT \"has_at\" CHECK"), ddl);
    }

    @Test
    void citusDistributionExtendsThePrimaryKeyOnlyWhenItLacksTheColumn() {
        TableName orders = TableName.parse("public.orders");
        assertEquals(List.of(
                "ALTER TABLE \"public\".\"orders\" DROP CONSTRAINT \"orders_pkey\", ADD CONSTRAINT \"orders_pkey\" PRIMARY KEY (\"id\", \"tenant_id\")",
                "SELECT create_distributed_table('\"public\".\"orders\"', 'tenant_id')"),
                DdlGenerator.distribute(orders, "tenant_id", "orders_pkey", List.of("id")));
        assertEquals(List.of("SELECT create_distributed_table('\"public\".\"orders\"', 'tenant_id')"),
                DdlGenerator.distribute(orders, "tenant_id", "orders_pkey", List.of("tenant_id", "id")));
        assertEquals("SELECT create_reference_table('\"public\".\"countries\"')", DdlGenerator.reference(TableName.parse("countries")));
    }

    /** A partitioned table comes with its partitions, its indexes after them (recursing), its foreign keys apart. */
    @Test
    void ddlForPartitionsAndForeignKeys() {
        TableName events = new TableName("app", "events");
        TableName y2025 = new TableName("app", "events_2025");
        TableDefinition t = new TableDefinition(events, List.of(col("id", "bigint", true), col("at", "date", true)),
                List.of(new Constraint("events_pkey", 'p', "PRIMARY KEY (id, at)", List.of("id", "at"))),
                List.of("CREATE INDEX events_at ON ONLY app.events USING btree (at)"), 'd',
                new TableDefinition.Partitioning("RANGE (at)", List.of(
                        new TableDefinition.Partition(y2025, events, "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", "RANGE (at)"),
                        new TableDefinition.Partition(new TableName("app", "events_2025_h1"), y2025,
                                "FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')", null),
                        new TableDefinition.Partition(new TableName("app", "events rest"), events, "DEFAULT", null))));
        List<String> ddl = DdlGenerator.statements(List.of(), List.of(t));
        assertEquals(List.of("CREATE SCHEMA IF NOT EXISTS \"app\"",
                DdlGenerator.createTable(t),
                "CREATE TABLE IF NOT EXISTS \"app\".\"events_2025\" PARTITION OF \"app\".\"events\" FOR VALUES FROM ('2025-01-01')"
                        + " TO ('2026-01-01') PARTITION BY RANGE (at)",
                "CREATE TABLE IF NOT EXISTS \"app\".\"events_2025_h1\" PARTITION OF \"app\".\"events_2025\" FOR VALUES FROM"
                        + " ('2025-01-01') TO ('2025-07-01')",
                "CREATE TABLE IF NOT EXISTS \"app\".\"events rest\" PARTITION OF \"app\".\"events\" DEFAULT",
                "CREATE INDEX IF NOT EXISTS events_at ON app.events USING btree (at)"), ddl);
        assertTrue(DdlGenerator.createTable(t).endsWith(") PARTITION BY RANGE (at)"), DdlGenerator.createTable(t));

        List<String> keys = DdlGenerator.foreignKeys(List.of(new CatalogReader.ForeignKey(
                new TableName("app", "Orders"), "orders_fk", new TableName("app", "customers"), "FOREIGN KEY (c) REFERENCES app.customers(id)",
                true)));
        assertEquals(1, keys.size());
        assertTrue(keys.get(0).contains("ALTER TABLE \"app\".\"Orders\" ADD CONSTRAINT \"orders_fk\" FOREIGN KEY (c) REFERENCES"
                + " app.customers(id); EXCEPTION WHEN duplicate_object THEN NULL;"), keys.get(0));
    }
}
