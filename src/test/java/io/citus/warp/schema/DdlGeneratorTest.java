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
}
