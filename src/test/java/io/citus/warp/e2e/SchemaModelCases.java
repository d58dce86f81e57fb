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
        return List.of(plain());
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
}
