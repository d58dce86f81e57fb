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
        return List.of(plain(), quotedNames());
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
}
