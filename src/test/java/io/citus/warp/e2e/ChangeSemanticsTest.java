package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a change means on the target, beyond plain inserts and updates: unchanged TOASTed values,
 * TRUNCATE in order, primary-key changes, identity and generated columns, awkward names, partitioned
 * source tables, and tables without a primary key.
 */
@EndToEnd
class ChangeSemanticsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** ~9.6 kB of md5 hex per value: pglz barely compresses it, so it is stored out of line (TOASTed). */
    private static final String RANDOM_VALUES = """
            CREATE FUNCTION big_hex(seed int) RETURNS text LANGUAGE sql IMMUTABLE AS
              $$ SELECT string_agg(md5(seed::text || ':' || i), '') FROM generate_series(1, 300) i $$;
            CREATE FUNCTION big_text(seed int) RETURNS text LANGUAGE sql IMMUTABLE AS
              $$ SELECT 'text ' || big_hex(seed) $$;
            """;

    /**
     * Under REPLICA IDENTITY DEFAULT an UPDATE that leaves a TOASTed column alone sends Debezium's placeholder
     * for it; the target must keep its value. Random (incompressible) multi-kB values are stored out of line.
     */
    @Test
    void unchangedToastedValuesAreKept(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "toast")) {
            String ddl = "CREATE TABLE docs (id int PRIMARY KEY, n int, body text, doc jsonb, blob bytea, tags text[])";
            m.sourceSql(RANDOM_VALUES, ddl, "INSERT INTO docs SELECT g, 0, big_text(g), jsonb_build_object('k', big_text(g + 100)), "
                    + "decode(big_hex(g), 'hex'), ARRAY[big_text(g + 200)] FROM generate_series(1, 20) g");
            m.targetSql(ddl);
            m.deploySource("public.docs");
            m.deploySink("public.docs");
            TableDigest.awaitEqual(m, WAIT, "docs", "id");
            try (Connection c = m.source(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT min(pg_column_size(body)), min(pg_column_size(blob)) FROM docs")) {
                rs.next();
                assertTrue(rs.getInt(1) > 2048 && rs.getInt(2) > 2048, "values are TOASTed: " + rs.getInt(1) + "/" + rs.getInt(2));
            }

            m.sourceSql("UPDATE docs SET n = n + 1",                       // TOASTed columns unchanged: placeholders
                    "UPDATE docs SET n = n + 1, body = big_text(1000) WHERE id = 1",  // one changed, others unchanged
                    "BEGIN",                                                 // insert then placeholder update, netted in one group
                    "INSERT INTO docs VALUES (21, 0, big_text(21), '{\"k\": 1}', decode(big_hex(21), 'hex'), NULL)",
                    "UPDATE docs SET n = 5 WHERE id = 21",
                    "COMMIT",
                    "UPDATE docs SET n = n + 1 WHERE id <= 3",
                    "UPDATE docs SET n = n + 1 WHERE id <= 3");
            TableDigest.awaitEqual(m, WAIT, "docs", "id");
            TableDigest.assertEqual(m, "docs", "id");
            try (Connection c = m.target(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM docs WHERE body LIKE '%unavailable%' OR doc::text LIKE '%unavailable%'"
                         + " OR encode(blob, 'escape') LIKE '%unavailable%' OR tags::text LIKE '%unavailable%'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no placeholder written to the target");
            }
        }
    }

    /** TRUNCATE lands between the transactions around it, and a primary-key change leaves only the new row. */
    @Test
    void truncateInOrderAndPrimaryKeyChanges(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "truncpk")) {
            String ddl = "CREATE TABLE parent (id int PRIMARY KEY, v text); CREATE TABLE log (id int PRIMARY KEY, v text)";
            m.sourceSql(ddl, "INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g",
                    "INSERT INTO log SELECT g, 'l' || g FROM generate_series(1, 100) g");
            m.targetSql(ddl);
            m.deploySource("public.parent,public.log");
            m.deploySink("public.parent,public.log");
            TableDigest.awaitEqual(m, WAIT, "parent", "id", "log", "id");

            m.sourceSql("INSERT INTO log VALUES (101, 'before truncate')",
                    "BEGIN", "INSERT INTO log VALUES (102, 'gone')", "TRUNCATE log", "INSERT INTO log VALUES (1, 'after truncate')", "COMMIT",
                    "INSERT INTO log VALUES (2, 'later')",
                    "TRUNCATE parent, log",
                    "INSERT INTO parent SELECT g, 'again ' || g FROM generate_series(1, 10) g",
                    "UPDATE parent SET id = id + 1000 WHERE id = 5",                 // key change: DELETE + CREATE
                    "BEGIN", "UPDATE parent SET id = 2000 WHERE id = 6", "UPDATE parent SET id = 6 WHERE id = 7", "COMMIT",
                    "UPDATE parent SET id = -id, v = 'negated' WHERE id BETWEEN 8 AND 10");
            TableDigest.awaitEqual(m, WAIT, "parent", "id", "log", "id");
            TableDigest.assertEqual(m, "parent", "id");
            TableDigest.assertEqual(m, "log", "id");
            try (Connection c = m.target(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT string_agg(id::text, ',' ORDER BY id) FROM parent WHERE id IN (5, 7, 1005, 2000, 6)")) {
                rs.next();
                assertEquals("6,1005,2000", rs.getString(1), "only the new keys remain");
            }
        }
    }

    /**
     * Mixed-case, special-character and keyword names in a non-public schema; a target identity column
     * GENERATED ALWAYS (needs OVERRIDING SYSTEM VALUE) and a stored generated column (never written).
     */
    @Test
    void awkwardNamesIdentityAndGeneratedColumns(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "names")) {
            String ddl = """
                    CREATE SCHEMA "Sales-EU";
                    CREATE TABLE "Sales-EU"."Order Items" (
                      "ID" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                      "select" int NOT NULL,
                      "MixedCase" text,
                      "with space" numeric(10,2),
                      "grüße" text,
                      "qu""ote" text,
                      total numeric GENERATED ALWAYS AS ("select" * "with space") STORED
                    );
                    CREATE TABLE "Sales-EU"."user" ("order" int PRIMARY KEY, "group" text);
                    """;
            m.sourceSql(ddl,
                    "INSERT INTO \"Sales-EU\".\"Order Items\" (\"select\", \"MixedCase\", \"with space\", \"grüße\", \"qu\"\"ote\") "
                            + "SELECT g, 'Mixed ' || g, g * 1.25, 'grüße ' || g, 'q\"' || g FROM generate_series(1, 50) g",
                    "INSERT INTO \"Sales-EU\".\"user\" SELECT g, 'g' || g FROM generate_series(1, 10) g");
            m.targetSql(ddl);
            String tables = "Sales-EU.Order Items,Sales-EU.user";
            m.deploySource(tables);
            m.deploySink(tables);
            String items = "\"Sales-EU\".\"Order Items\"";
            String users = "\"Sales-EU\".\"user\"";
            TableDigest.awaitEqual(m, WAIT, items, "\"ID\"", users, "\"order\"");

            m.sourceSql("INSERT INTO " + items + " (\"select\", \"MixedCase\", \"with space\") VALUES (7, 'new', 2.50)",
                    "UPDATE " + items + " SET \"select\" = \"select\" + 1, \"qu\"\"ote\" = NULL WHERE \"ID\" <= 5",
                    "DELETE FROM " + items + " WHERE \"ID\" = 10",
                    "UPDATE " + users + " SET \"order\" = 100, \"group\" = 'moved' WHERE \"order\" = 1",
                    "DELETE FROM " + users + " WHERE \"order\" = 2");
            TableDigest.awaitEqual(m, WAIT, items, "\"ID\"", users, "\"order\"");
            TableDigest.assertEqual(m, items, "\"ID\"");
            TableDigest.assertEqual(m, users, "\"order\"");
            try (Connection c = m.target(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT total FROM " + items + " WHERE \"ID\" = 51")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getBigDecimal(1).compareTo(new java.math.BigDecimal("17.50")), "generated by the target");
            }
        }
    }

    /**
     * Changes to the partitions of a partitioned source table are published under the root
     * (publish.via.partition.root in the shipped config) and land in the target's parent table.
     */
    @Test
    void partitionedSourceTableLandsInTheTargetParent(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "partitioned")) {
            String ddl = """
                    CREATE TABLE measurements (id int, at date, v int, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                    CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
                    CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                    """;
            m.sourceSql(ddl, "INSERT INTO measurements SELECT g, DATE '2023-06-01' + g, g FROM generate_series(1, 400) g");
            // The target's parent is partitioned differently: rows are routed by the target, not by the source's layout.
            m.targetSql("""
                    CREATE TABLE measurements (id int, at date, v int, PRIMARY KEY (id, at)) PARTITION BY HASH (id);
                    CREATE TABLE measurements_h0 PARTITION OF measurements FOR VALUES WITH (MODULUS 2, REMAINDER 0);
                    CREATE TABLE measurements_h1 PARTITION OF measurements FOR VALUES WITH (MODULUS 2, REMAINDER 1);
                    """);
            m.deploySource("public.measurements");
            m.deploySink("public.measurements");
            TableDigest.awaitEqual(m, WAIT, "measurements", "id, at");
            try (Connection c = m.source(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pubviaroot FROM pg_publication WHERE pubname = '" + m.publicationName() + "'")) {
                assertTrue(rs.next() && rs.getBoolean(1), "publication publishes via the partition root");
            }

            m.sourceSql("INSERT INTO measurements VALUES (1000, '2024-02-01', 1), (1001, '2023-02-01', 2)",
                    "UPDATE measurements SET v = -v WHERE id <= 10",
                    "UPDATE measurements SET at = '2024-03-01' WHERE id = 20",   // moves between source partitions
                    "DELETE FROM measurements WHERE id BETWEEN 30 AND 39",
                    "DELETE FROM measurements_2024 WHERE id = 1000");
            TableDigest.awaitEqual(m, WAIT, "measurements", "id, at");
            TableDigest.assertEqual(m, "measurements", "id, at");
        }
    }

    /** A table without a primary key is refused when its first row arrives, before anything of it is written. */
    @Test
    void tablesWithoutPrimaryKeyAreRefused(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "nokey")) {
            m.sourceSql("CREATE TABLE nokey (a int, b text)", "INSERT INTO nokey VALUES (1, 'x'), (1, 'x')");
            m.targetSql("CREATE TABLE nokey (a int, b text)");
            m.deploySource("public.nokey");
            m.deploySink("public.nokey");
            String trace = m.awaitTaskFailure(m.sinkConnector());
            assertTrue(trace.contains("public.nokey") && trace.contains("no primary key"), trace);
            assertTrue(trace.contains("REPLICA IDENTITY FULL") && trace.contains("keyless.tables"), "says how to opt in: " + trace);
            assertEquals(0, count(m, "nokey"));
        }
    }

    /**
     * With REPLICA IDENTITY FULL on the source and the table listed in keyless.tables, a table without a
     * primary key is copied: rows are matched by their whole old image, one row per change, duplicates included.
     */
    @Test
    void keylessTablesWithReplicaIdentityFullWhenOptedIn(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "keyless")) {
            String ddl = "CREATE TABLE events (a int, b text, j json, p point)";
            m.sourceSql(ddl, "ALTER TABLE events REPLICA IDENTITY FULL",
                    "INSERT INTO events SELECT g % 5, 'e' || g, '{\"g\": 1}', point(g, g) FROM generate_series(1, 50) g",
                    "INSERT INTO events VALUES (1, 'dup', NULL, NULL), (1, 'dup', NULL, NULL)");
            m.targetSql(ddl);
            m.deploySource("public.events");
            m.deploySink("public.events", Map.of("keyless.tables", "public.events"));
            String order = "a, b, j::text, p::text";
            TableDigest.awaitEqual(m, WAIT, "events", order);

            m.sourceSql("INSERT INTO events VALUES (9, 'new', NULL, NULL), (1, 'dup', NULL, NULL)",
                    "UPDATE events SET b = b || '!' WHERE a = 2",
                    "DELETE FROM events WHERE a = 3",
                    "BEGIN", "DELETE FROM events WHERE ctid = (SELECT ctid FROM events WHERE b = 'dup' LIMIT 1)",
                    "UPDATE events SET a = 10 WHERE ctid = (SELECT ctid FROM events WHERE b = 'dup' LIMIT 1)", "COMMIT");
            TableDigest.awaitEqual(m, WAIT, "events", order);
            TableDigest.assertEqual(m, "events", order);
        }
    }

    private static long count(Migration m, String table) throws SQLException {
        try (Connection c = m.target(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
