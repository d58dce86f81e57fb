package io.citus.warp.e2e;

import io.citus.warp.testing.SchemaCase;

import java.util.List;

/**
 * The copy, plan and check side of the schema model: names that need quoting, inheritance, partitioned tables,
 * row-level security, foreign keys, generated and identity columns. docs/schema-features.md lists what Warp does with
 * each.
 */
final class SchemaModelCases {
    private SchemaModelCases() {
    }

    static List<SchemaCase> copyAndPlan() {
        return List.of(plain(), quotedNames(), inheritance(), partitioned(), multiLevelPartitioned(), partitionedWithoutKeyOnRoot(),
                rowLevelSecurity(), forcedRowLevelSecurity(), foreignKeys(), generatedAndIdentity());
    }

    /** The baseline: ordinary names, a primary key, rows inserted, updated and deleted while streaming. */
    static SchemaCase plain() {
        return SchemaCase.of("plain table").schemas("sm_plain")
                .source("CREATE SCHEMA sm_plain",
                        "CREATE TABLE sm_plain.items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2))",
                        "INSERT INTO sm_plain.items SELECT g, 'item ' || g, g * 1.5 FROM generate_series(1, 300) g")
                .changes("INSERT INTO sm_plain.items VALUES (1001, 'new', 1)",
                        "UPDATE sm_plain.items SET price = price + 1 WHERE id % 7 = 0",
                        "DELETE FROM sm_plain.items WHERE id % 11 = 0")
                .table("sm_plain", "items")
                .distribute("sm_plain", "items", "id");
    }

    /** A schema name holding a dot, a space, '$' and regex characters; quoted in every statement below. */
    static final String ODD = "sm names.$(1)+[a]|b*";
    private static final String Q = "\"sm names.$(1)+[a]|b*\"";

    /**
     * Names that need quoting or escaping in schemas, tables and columns: '$', spaces, quotes, upper case, unicode, a
     * dot and a comma, regex characters and reserved words; and a table whose name differs from a migrated one only in
     * case, which is not migrated and must stay out of the stream.
     */
    static SchemaCase quotedNames() {
        return SchemaCase.of("names needing quoting").schemas(ODD, "Sm_Upper")
                .source("CREATE SCHEMA " + Q, "CREATE SCHEMA \"Sm_Upper\"",
                        "CREATE TABLE " + Q + ".\"audit$log\" (id bigint PRIMARY KEY, \"Group\" text, \"select\" int, \"a b\" text,"
                                + " \"x$y\" int, \"col\"\"q\" text, \"ключ\" text, \"(c)+[d]|e.*\" text)",
                        "INSERT INTO " + Q + ".\"audit$log\" SELECT g, 'g' || g, g, 'a b ' || g, g, 'q\"' || g, 'ключ ' || g, '(' || g || ')'"
                                + " FROM generate_series(1, 200) g",
                        "CREATE TABLE " + Q + ".\"t(1)+[x]|y.*\" (\"Id\" bigint PRIMARY KEY, v text)",
                        "INSERT INTO " + Q + ".\"t(1)+[x]|y.*\" SELECT g, 'v' || g FROM generate_series(1, 50) g",
                        "CREATE TABLE " + Q + ".\"a,b\" (id int PRIMARY KEY, v text)",
                        "INSERT INTO " + Q + ".\"a,b\" SELECT g, 'v' || g FROM generate_series(1, 20) g",
                        "CREATE TABLE \"Sm_Upper\".\"Order Items\" (\"Order Id\" bigint PRIMARY KEY, \"Note\" text)",
                        "INSERT INTO \"Sm_Upper\".\"Order Items\" SELECT g, 'n' || g FROM generate_series(1, 100) g",
                        "CREATE TABLE \"Sm_Upper\".\"naïve_表\" (id bigint PRIMARY KEY, \"名前\" text)",
                        "INSERT INTO \"Sm_Upper\".\"naïve_表\" SELECT g, '名前 ' || g FROM generate_series(1, 30) g",
                        "CREATE TABLE \"Sm_Upper\".\"select\" (\"from\" int PRIMARY KEY, \"where\" text)",
                        "INSERT INTO \"Sm_Upper\".\"select\" SELECT g, 'w' || g FROM generate_series(1, 10) g",
                        "CREATE TABLE \"Sm_Upper\".\"q\"\"uote\" (id int PRIMARY KEY, v text)",
                        "INSERT INTO \"Sm_Upper\".\"q\"\"uote\" SELECT g, 'v' || g FROM generate_series(1, 10) g",
                        "CREATE TABLE \"Sm_Upper\".\"Mixed\" (id int PRIMARY KEY, v text)",
                        "INSERT INTO \"Sm_Upper\".\"Mixed\" SELECT g, 'v' || g FROM generate_series(1, 10) g",
                        // Not migrated: its name differs from "Mixed" only in case.
                        "CREATE TABLE \"Sm_Upper\".mixed (id int PRIMARY KEY, v text)",
                        "INSERT INTO \"Sm_Upper\".mixed SELECT g, 'v' || g FROM generate_series(1, 10) g")
                .changes("UPDATE " + Q + ".\"audit$log\" SET \"Group\" = 'changed', \"col\"\"q\" = 'x' WHERE id % 10 = 0",
                        "INSERT INTO " + Q + ".\"audit$log\" VALUES (1001, 'new', 1, 'n', 1, 'q', 'к', '.*')",
                        "DELETE FROM " + Q + ".\"audit$log\" WHERE id % 25 = 0",
                        "UPDATE " + Q + ".\"t(1)+[x]|y.*\" SET v = 'changed' WHERE \"Id\" < 5",
                        "INSERT INTO " + Q + ".\"a,b\" VALUES (100, 'new')",
                        "BEGIN; UPDATE \"Sm_Upper\".\"Order Items\" SET \"Note\" = 'changed' WHERE \"Order Id\" < 10;"
                                + " DELETE FROM \"Sm_Upper\".\"naïve_表\" WHERE id = 1; INSERT INTO \"Sm_Upper\".\"select\" VALUES (100, 'w');"
                                + " UPDATE \"Sm_Upper\".\"q\"\"uote\" SET v = 'changed'; COMMIT",
                        "UPDATE \"Sm_Upper\".\"Mixed\" SET v = 'changed' WHERE id < 5",
                        "UPDATE \"Sm_Upper\".mixed SET v = 'not migrated' WHERE id < 5")
                .table(ODD, "audit$log").table(ODD, "t(1)+[x]|y.*").table(ODD, "a,b")
                .table("Sm_Upper", "Order Items").table("Sm_Upper", "naïve_表").table("Sm_Upper", "select")
                .table("Sm_Upper", "q\"uote").table("Sm_Upper", "Mixed")
                .distribute(ODD, "audit$log", "id").distribute(ODD, "t(1)+[x]|y.*", "Id").reference(ODD, "a,b")
                .distribute("Sm_Upper", "Order Items", "Order Id").reference("Sm_Upper", "naïve_表")
                .reference("Sm_Upper", "select").reference("Sm_Upper", "q\"uote").reference("Sm_Upper", "Mixed");
    }

    /**
     * Table inheritance, three levels, the same ids in parent and children: each table's own rows are copied once
     * (ONLY), changes to each arrive under its own name, and the target has each as a table of its own.
     */
    static SchemaCase inheritance() {
        return SchemaCase.of("table inheritance").schemas("sm_inherit")
                .source("CREATE SCHEMA sm_inherit",
                        "CREATE TABLE sm_inherit.vehicles (id bigint PRIMARY KEY, name text NOT NULL CHECK (name <> ''))",
                        "CREATE TABLE sm_inherit.cars (doors int, PRIMARY KEY (id)) INHERITS (sm_inherit.vehicles)",
                        "CREATE TABLE sm_inherit.trucks (payload numeric, PRIMARY KEY (id)) INHERITS (sm_inherit.vehicles)",
                        "CREATE TABLE sm_inherit.pickups (bed text, PRIMARY KEY (id)) INHERITS (sm_inherit.trucks)",
                        "INSERT INTO sm_inherit.vehicles SELECT g, 'vehicle ' || g FROM generate_series(1, 3000) g",
                        "INSERT INTO sm_inherit.cars SELECT g, 'car ' || g, 4 FROM generate_series(1, 2500) g",
                        "INSERT INTO sm_inherit.trucks SELECT g, 'truck ' || g, g FROM generate_series(50, 120) g",
                        "INSERT INTO sm_inherit.pickups (id, name, bed) SELECT g, 'pickup ' || g, 'short' FROM generate_series(1, 10) g")
                .changes("UPDATE sm_inherit.vehicles SET name = 'renamed ' || id WHERE id <= 5",
                        "DELETE FROM ONLY sm_inherit.vehicles WHERE id = 10",
                        "DELETE FROM sm_inherit.vehicles WHERE id = 11",
                        "INSERT INTO sm_inherit.cars VALUES (5000, 'new car', 2)",
                        "INSERT INTO sm_inherit.pickups VALUES (5000, 'new pickup', 1, 'long')",
                        "TRUNCATE ONLY sm_inherit.trucks")
                .table("sm_inherit", "vehicles").table("sm_inherit", "cars").table("sm_inherit", "trucks").table("sm_inherit", "pickups")
                .distribute("sm_inherit", "vehicles", "id").distribute("sm_inherit", "cars", "id")
                .reference("sm_inherit", "trucks").reference("sm_inherit", "pickups")
                .reports("WARN", "table inheritance", "sm_inherit.cars", "sm_inherit.vehicles", "tables of their own");
    }

    /**
     * A partitioned table with a key on its root, through {@code warp schema --tables root}: the partitions (a default
     * one among them) are created with it, rows move between partitions while streaming.
     */
    static SchemaCase partitioned() {
        return SchemaCase.of("partitioned table").schemas("sm_part")
                .source("CREATE SCHEMA sm_part",
                        "CREATE TABLE sm_part.events (id bigint NOT NULL, at date NOT NULL, kind text, PRIMARY KEY (id, at))"
                                + " PARTITION BY RANGE (at)",
                        "CREATE TABLE sm_part.events_2024 PARTITION OF sm_part.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                        "CREATE TABLE sm_part.events_2025 PARTITION OF sm_part.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                        "CREATE TABLE sm_part.events_other PARTITION OF sm_part.events DEFAULT",
                        "CREATE INDEX events_kind ON sm_part.events (kind)",
                        "INSERT INTO sm_part.events SELECT g, date '2023-12-01' + (g % 800), 'k' || g % 5 FROM generate_series(1, 4000) g")
                .changes("INSERT INTO sm_part.events VALUES (10001, '2025-06-01', 'new'), (10002, '2030-01-01', 'later')",
                        "UPDATE sm_part.events SET at = '2025-03-03' WHERE id = 40 AND at < '2025-01-01'",
                        "UPDATE sm_part.events SET kind = 'changed' WHERE id % 100 = 0",
                        "DELETE FROM sm_part.events WHERE id % 250 = 0")
                .table("sm_part", "events")
                .distribute("sm_part", "events", "id")
                .reports("OK", "partitioned", "sm_part.events", "3 partition");
    }

    /** Partitions of partitions: EQUAL into PostgreSQL; Citus does not distribute them, so warp check refuses them there. */
    static SchemaCase multiLevelPartitioned() {
        return SchemaCase.of("multi-level partitioned table").schemas("sm_part2")
                .source("CREATE SCHEMA sm_part2",
                        "CREATE TABLE sm_part2.metrics (id bigint NOT NULL, at date NOT NULL, v int, PRIMARY KEY (id, at))"
                                + " PARTITION BY RANGE (at)",
                        "CREATE TABLE sm_part2.metrics_2025 PARTITION OF sm_part2.metrics FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
                                + " PARTITION BY RANGE (at)",
                        "CREATE TABLE sm_part2.metrics_2025_h1 PARTITION OF sm_part2.metrics_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')",
                        "CREATE TABLE sm_part2.metrics_2025_h2 PARTITION OF sm_part2.metrics_2025 FOR VALUES FROM ('2025-07-01') TO ('2026-01-01')",
                        "CREATE TABLE sm_part2.metrics_rest PARTITION OF sm_part2.metrics DEFAULT",
                        "INSERT INTO sm_part2.metrics SELECT g, date '2024-10-01' + (g % 500), g FROM generate_series(1, 3000) g")
                .changes("UPDATE sm_part2.metrics SET at = '2025-09-09' WHERE id = 7 AND at < '2025-07-01'",
                        "INSERT INTO sm_part2.metrics VALUES (9001, '2025-02-02', 1)",
                        "DELETE FROM sm_part2.metrics WHERE id % 300 = 0")
                .table("sm_part2", "metrics")
                .distribute("sm_part2", "metrics", "id")
                .refusedOnCitusBy("sm_part2.metrics", "multi-level", "Citus");
    }

    /**
     * A partitioned table whose root has no primary key (its partitions do): its changes are published through the root,
     * whose replica identity has no key, so updates and deletes could not be applied; refused with the way out.
     */
    static SchemaCase partitionedWithoutKeyOnRoot() {
        return SchemaCase.of("partitioned table without a key on the root").schemas("sm_part_nokey")
                .source("CREATE SCHEMA sm_part_nokey",
                        "CREATE TABLE sm_part_nokey.log (id bigint NOT NULL, at date NOT NULL, v text) PARTITION BY RANGE (at)",
                        "CREATE TABLE sm_part_nokey.log_all PARTITION OF sm_part_nokey.log DEFAULT",
                        "ALTER TABLE sm_part_nokey.log_all ADD PRIMARY KEY (id)",
                        "INSERT INTO sm_part_nokey.log SELECT g, date '2025-01-01' + g, 'v' FROM generate_series(1, 10) g")
                .table("sm_part_nokey", "log")
                .refusedBy("sm_part_nokey.log", "partitioned", "PRIMARY KEY", "root");
    }

    /**
     * Row-level security enabled, not forced, warp connecting as the table's owner (who is exempt from the policies):
     * every row is copied and verified, not only those a policy would show.
     */
    static SchemaCase rowLevelSecurity() {
        return SchemaCase.of("row-level security, owner").schemas("sm_rls")
                .source(tenantDocs("sm_rls"))
                .changes("UPDATE sm_rls.docs SET body = 'changed' WHERE id % 30 = 0", "INSERT INTO sm_rls.docs VALUES (5000, 3, 'new')",
                        "DELETE FROM sm_rls.docs WHERE id % 31 = 0")
                .table("sm_rls", "docs")
                .distribute("sm_rls", "docs", "id")
                .reports("OK", "row-level security", "sm_rls.docs", "owns");
    }

    /**
     * FORCE ROW LEVEL SECURITY with warp connecting as the owner (no superuser, no BYPASSRLS): the owner sees only what
     * the policy lets it see. Refused, saying what the role needs.
     */
    static SchemaCase forcedRowLevelSecurity() {
        return SchemaCase.of("row-level security, forced").schemas("sm_rls_forced")
                .source(tenantDocs("sm_rls_forced"))
                .source("ALTER TABLE sm_rls_forced.docs FORCE ROW LEVEL SECURITY")
                .table("sm_rls_forced", "docs")
                .refusedBy("sm_rls_forced.docs", "row-level security", "FORCE", "BYPASSRLS", "NO FORCE ROW LEVEL SECURITY");
    }

    /**
     * Foreign keys between migrated tables: a child larger than its parent (its ranges are copied first), a
     * self-reference pointing forward and backward across ranges, and a cycle of deferrable keys; rows inserted and
     * deleted in one transaction with their references while streaming.
     */
    static SchemaCase foreignKeys() {
        return SchemaCase.of("foreign keys").schemas("sm_fk")
                .source("CREATE SCHEMA sm_fk",
                        "CREATE TABLE sm_fk.customers (id bigint PRIMARY KEY, name text NOT NULL)",
                        "CREATE TABLE sm_fk.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES sm_fk.customers,"
                                + " amount numeric(10,2))",
                        "CREATE TABLE sm_fk.employees (id bigint PRIMARY KEY, manager_id bigint REFERENCES sm_fk.employees, name text)",
                        "CREATE TABLE sm_fk.a (id int PRIMARY KEY, b_id int)",
                        "CREATE TABLE sm_fk.b (id int PRIMARY KEY, a_id int REFERENCES sm_fk.a DEFERRABLE INITIALLY DEFERRED)",
                        "ALTER TABLE sm_fk.a ADD FOREIGN KEY (b_id) REFERENCES sm_fk.b DEFERRABLE INITIALLY DEFERRED",
                        "INSERT INTO sm_fk.customers SELECT g, 'customer ' || g FROM generate_series(1, 300) g",
                        "INSERT INTO sm_fk.orders SELECT g, 1 + g % 300, g FROM generate_series(1, 9000) g",
                        "INSERT INTO sm_fk.employees SELECT g, NULL, 'e' || g FROM generate_series(1, 6000) g",
                        "UPDATE sm_fk.employees SET manager_id = 1 + (id * 7) % 6000 WHERE id > 1",
                        "BEGIN; INSERT INTO sm_fk.a SELECT g, g FROM generate_series(1, 100) g;"
                                + " INSERT INTO sm_fk.b SELECT g, g FROM generate_series(1, 100) g; COMMIT")
                .changes("BEGIN; INSERT INTO sm_fk.customers VALUES (1000, 'new'); INSERT INTO sm_fk.orders VALUES (20000, 1000, 5); COMMIT",
                        "BEGIN; DELETE FROM sm_fk.orders WHERE customer_id = 7; DELETE FROM sm_fk.customers WHERE id = 7; COMMIT",
                        "BEGIN; INSERT INTO sm_fk.employees VALUES (7000, 7001, 'x'), (7001, NULL, 'boss'); COMMIT",
                        "UPDATE sm_fk.employees SET manager_id = 7001 WHERE id = 2",
                        "BEGIN; INSERT INTO sm_fk.a VALUES (500, 500); INSERT INTO sm_fk.b VALUES (500, 500); COMMIT",
                        "BEGIN; DELETE FROM sm_fk.a WHERE id = 1; DELETE FROM sm_fk.b WHERE id = 1; COMMIT")
                .table("sm_fk", "customers").table("sm_fk", "orders").table("sm_fk", "employees").table("sm_fk", "a").table("sm_fk", "b")
                .reference("sm_fk", "customers").distribute("sm_fk", "orders", "id").reference("sm_fk", "employees")
                .reference("sm_fk", "a").reference("sm_fk", "b")
                .reports("OK", "foreign keys", "sm_fk.orders", "re-added")
                .refusedWithDebeziumSnapshotBy("foreign keys", "sm_fk.employees -> sm_fk.employees", "Use the base copy");
    }

    /** Generated (stored) columns, left to the target to compute, and identity and serial columns, whose values are copied. */
    static SchemaCase generatedAndIdentity() {
        return SchemaCase.of("generated and identity columns").schemas("sm_gen")
                .source("CREATE SCHEMA sm_gen",
                        "CREATE TABLE sm_gen.lines (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty int NOT NULL,"
                                + " price numeric(10,2) NOT NULL, total numeric GENERATED ALWAYS AS (qty * price) STORED)",
                        "CREATE TABLE sm_gen.tickets (id bigserial PRIMARY KEY, seq bigint GENERATED BY DEFAULT AS IDENTITY, note text)",
                        "INSERT INTO sm_gen.lines (qty, price) SELECT g % 7, g * 0.25 FROM generate_series(1, 3000) g",
                        "INSERT INTO sm_gen.tickets (note) SELECT 't' || g FROM generate_series(1, 500) g",
                        "INSERT INTO sm_gen.tickets (seq, note) VALUES (100000, 'explicit')")
                .changes("INSERT INTO sm_gen.lines (qty, price) VALUES (3, 9.99)",
                        "UPDATE sm_gen.lines SET qty = qty + 1 WHERE id % 50 = 0",
                        "INSERT INTO sm_gen.lines (id, qty, price) OVERRIDING SYSTEM VALUE VALUES (900000, 1, 1)",
                        "DELETE FROM sm_gen.lines WHERE id % 77 = 0",
                        "INSERT INTO sm_gen.tickets (note) VALUES ('streamed')")
                .table("sm_gen", "lines").table("sm_gen", "tickets")
                .distribute("sm_gen", "lines", "id").distribute("sm_gen", "tickets", "id")
                .reports("OK", "generated columns", "sm_gen.lines", "total")
                .reports("OK", "identity", "sm_gen.lines", "sm_gen.tickets");
    }

    /** A multi-tenant table of 900 rows in {@code schema}, row-level security enabled with a policy by tenant. */
    private static String[] tenantDocs(String schema) {
        return new String[] {"CREATE SCHEMA " + schema,
            "CREATE TABLE " + schema + ".docs (id bigint PRIMARY KEY, tenant int NOT NULL, body text)",
            "INSERT INTO " + schema + ".docs SELECT g, g % 30, 'doc ' || g FROM generate_series(1, 900) g",
            "ALTER TABLE " + schema + ".docs ENABLE ROW LEVEL SECURITY",
            "CREATE POLICY tenant_only ON " + schema + ".docs USING (tenant = current_setting('app.tenant', true)::int)"};
    }
}
