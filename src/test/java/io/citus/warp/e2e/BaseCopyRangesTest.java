package io.citus.warp.e2e;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the base copy splits and copies tables of every shape: block (ctid) ranges for a table without a primary key
 * and for a text key, key ranges over a bigint key spanning nearly the whole bigint domain, a generated column left to
 * the target, a partitioned table as one range, values of many types in text COPY; and a non-empty target refused.
 */
@EndToEnd
class BaseCopyRangesTest {
    private static final Logger LOG = LoggerFactory.getLogger(BaseCopyRangesTest.class);

    private static final String DDL = """
            CREATE TABLE nokey (a int, b text, c numeric);
            CREATE TABLE textkey (k text PRIMARY KEY, v jsonb, w bytea, d timestamptz, arr int[]);
            CREATE TABLE bigkey (id bigint PRIMARY KEY, v double precision, g bigint GENERATED ALWAYS AS (id / 2) STORED);
            CREATE TABLE parted (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
            CREATE TABLE parted_eu PARTITION OF parted FOR VALUES IN ('eu');
            CREATE TABLE parted_us PARTITION OF parted FOR VALUES IN ('us');
            """;

    @Test
    void everyShapeOfTableIsSplitAndCopiedExactly(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "bcranges")) {
            m.sourceSql(DDL,
                    "INSERT INTO nokey SELECT g, repeat('x', g % 50), g / 7.0 FROM generate_series(1, 30000) g",
                    "INSERT INTO nokey VALUES (NULL, NULL, NULL), (0, E'tab\\there\\nnewline \\\\ backslash', 'NaN')",
                    "INSERT INTO textkey SELECT 'k' || g, jsonb_build_object('g', g, 's', 'é€😀'), decode(md5(g::text), 'hex'),"
                            + " '2024-02-29 12:00:00.123456+00'::timestamptz + g * interval '1 second', ARRAY[g, NULL, -g]"
                            + " FROM generate_series(1, 20000) g",
                    "INSERT INTO bigkey (id, v) SELECT g * 1000000000000000, g * 0.1 FROM generate_series(-9000, 9000) g",
                    "INSERT INTO bigkey (id, v) VALUES (-9223372036854775808, 'Infinity'), (9223372036854775807, '-Infinity')",
                    "INSERT INTO parted SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END FROM generate_series(1, 5000) g",
                    "VACUUM ANALYZE nokey, textkey, bigkey, parted");
            m.targetSql(DDL);
            List<TableCopy> tables = new ArrayList<>();
            for (String t : List.of("nokey", "textkey", "bigkey", "parted")) {
                tables.add(TableCopy.same(new TableName("public", t)));
            }
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            BaseCopy.Result result = new BaseCopy(source, target, "warp", new BaseCopyOptions(3, 2_000, false), LOG::info)
                    .run(m.slotName(), m.publicationName(), tables);
            assertEquals(30_002 + 20_000 + 18_003 + 5_000, result.rows());

            try (Connection t = m.target()) {
                Map<String, String> kinds = new java.util.HashMap<>();
                for (String[] r : Sql.rows(t, "SELECT table_name, string_agg(DISTINCT range_kind, ',') || ':' || count(*)"
                        + " FROM " + io.citus.warp.common.BaseCopyTables.ranges("warp") + " WHERE slot_name = ? AND copied_at IS NOT NULL GROUP BY table_name", m.slotName())) {
                    kinds.put(r[0], r[1]);
                }
                LOG.info("ranges per table: {}", kinds);
                assertTrue(kinds.get("public.nokey").startsWith("blocks:"), kinds.toString());
                assertTrue(Integer.parseInt(kinds.get("public.nokey").split(":")[1]) > 1, kinds.toString());
                assertTrue(kinds.get("public.textkey").startsWith("blocks:"), kinds.toString());
                assertTrue(kinds.get("public.bigkey").startsWith("key:"), kinds.toString());
                assertTrue(Integer.parseInt(kinds.get("public.bigkey").split(":")[1]) > 1, kinds.toString());
                assertEquals("whole:1", kinds.get("public.parted"));
            }
            TableDigest.assertEqual(m, "nokey", "a, b, c");
            TableDigest.assertEqual(m, "textkey", "k");
            TableDigest.assertEqual(m, "bigkey", "id");
            TableDigest.assertEqual(m, "parted", "id, region");

            // Another migration into the same, now full, target tables is refused before anything is created.
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> new BaseCopy(source, target, "warp",
                    BaseCopyOptions.defaults(), LOG::info).run(m.slotName() + "_2", m.publicationName(), tables));
            assertTrue(full.getMessage().contains("target table public.nokey is not empty"), full.getMessage());
            try (Connection s = m.source()) {
                assertEquals("0", Sql.one(s, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", m.slotName() + "_2"));
            }
        }
    }

    /**
     * A start-over empties every table the interrupted attempt planned, not only those with a range recorded as copied:
     * a range's rows can be on the target without their progress row (a Citus worker commits before the coordinator),
     * and they would be copied on top. A table added to the plan since must be empty already.
     */
    @Test
    void aStartOverEmptiesEveryPlannedTableAndRefusesANewNonEmptyOne(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "bcstartover")) {
            String ddl = "CREATE TABLE big (id int PRIMARY KEY, v text); CREATE TABLE small (id int PRIMARY KEY, v text);"
                    + " CREATE TABLE late (id int PRIMARY KEY, v text)";
            m.sourceSql(ddl, "INSERT INTO big SELECT g, 'b' || g FROM generate_series(1, 6000) g",
                    "INSERT INTO small SELECT g, 's' || g FROM generate_series(1, 10) g", "INSERT INTO late VALUES (1, 'l')",
                    "VACUUM ANALYZE big, small");
            m.targetSql(ddl);
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            BaseCopy copy = new BaseCopy(source, target, "warp", new BaseCopyOptions(2, 1_000, false), LOG::info);
            List<TableCopy> first = List.of(TableCopy.same(new TableName("public", "big")), TableCopy.same(new TableName("public", "small")));

            // The first attempt copies big's ranges, then waits on a lock on small; its source sessions are cut there.
            Connection lock = m.target();
            lock.setAutoCommit(false);
            Sql.exec(lock, "LOCK TABLE small IN SHARE MODE");
            java.util.concurrent.CompletableFuture<BaseCopy.Result> attempt = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return copy.run(m.slotName(), m.publicationName(), first);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            io.citus.warp.testing.Eventually.await(java.time.Duration.ofSeconds(300), "big copied, small waiting", () -> {
                try (Connection t = m.target()) {
                    return "6".equals(Sql.one(t, "SELECT count(*) FROM warp.base_copy_progress WHERE slot_name = ? AND copied_at IS NOT NULL",
                            m.slotName()));
                } catch (java.sql.SQLException notYet) {
                    return false;
                }
            });
            try (Connection s = m.source()) {
                Sql.one(s, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'warp-basecopy'"
                        + " AND datname = current_database()");
            }
            lock.rollback();
            lock.close();
            assertThrows(java.util.concurrent.CompletionException.class, attempt::join, "the interrupted attempt fails");

            // Rows the progress table does not know of (a range committed whose progress row was lost), and a new table
            // with rows of its own on the target.
            m.targetSql("INSERT INTO small VALUES (1000, 'unrecorded')", "INSERT INTO late VALUES (2, 'on the target only')");
            List<TableCopy> second = new ArrayList<>(first);
            second.add(TableCopy.same(new TableName("public", "late")));
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> copy.run(m.slotName(), m.publicationName(), second));
            assertTrue(refused.getMessage().contains("target table public.late is not empty"), refused.getMessage());
            try (Connection t = m.target()) {
                assertEquals("0", Sql.one(t, "SELECT count(*) FROM small"), "the planned table was emptied, unrecorded rows and all");
            }

            m.targetSql("DELETE FROM late");
            BaseCopy.Result result = copy.run(m.slotName(), m.publicationName(), second);
            assertEquals(6_000 + 10 + 1, result.rows());
            TableDigest.assertEqual(m, "big", "id");
            TableDigest.assertEqual(m, "small", "id");
            TableDigest.assertEqual(m, "late", "id");
        }
    }

    /**
     * Foreign keys between the copied tables: a child larger than its parent (its ranges are copied first, in parallel),
     * a self-reference across ranges, a cycle. The copy sets the target's keys aside and re-adds them, validated, once
     * every range is in; it used to fail with 23503 on every attempt, quoting the missing key's value. A key the copied
     * rows do not satisfy (the target's own, stricter than the source) fails the copy naming it, without a value.
     */
    @Test
    void foreignKeysAreSetAsideDuringTheCopyAndReAddedValidated(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "bcfkeys")) {
            String ddl = "CREATE TABLE customers (id bigint PRIMARY KEY, name text);"
                    + " CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, note text);"
                    + " CREATE TABLE employees (id bigint PRIMARY KEY, manager_id bigint REFERENCES employees);"
                    + " CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a"
                    + " DEFERRABLE INITIALLY DEFERRED); ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b DEFERRABLE INITIALLY DEFERRED";
            m.sourceSql(ddl, "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 200) g",
                    "INSERT INTO orders SELECT g, 1 + g % 200, 'secret-' || g FROM generate_series(1, 8000) g",
                    "INSERT INTO employees SELECT g, NULL FROM generate_series(1, 5000) g",
                    "UPDATE employees SET manager_id = 5001 - id WHERE id <> 2500",
                    "BEGIN; INSERT INTO a SELECT g, g FROM generate_series(1, 50) g; INSERT INTO b SELECT g, g FROM generate_series(1, 50) g;"
                            + " COMMIT",
                    "VACUUM ANALYZE customers, orders, employees, a, b");
            m.targetSql(ddl);
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            List<TableCopy> tables = new ArrayList<>();
            for (String t : List.of("customers", "orders", "employees", "a", "b")) {
                tables.add(TableCopy.same(new TableName("public", t)));
            }
            BaseCopy.Result result = new BaseCopy(source, target, "warp", new BaseCopyOptions(3, 1_000, false), LOG::info)
                    .run(m.slotName(), m.publicationName(), tables);
            assertEquals(200 + 8000 + 5000 + 50 + 50, result.rows());
            for (String t : List.of("customers", "orders", "employees", "a", "b")) {
                TableDigest.assertEqual(m, t, "id");
            }
            try (Connection t = m.target()) {
                assertEquals("4|4", Sql.one(t, "SELECT count(*) || '|' || count(*) FILTER (WHERE convalidated) FROM pg_constraint"
                        + " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"), "every key is back, validated");
                assertEquals("0", Sql.one(t, "SELECT count(*) FROM warp.base_copy_foreign_keys"));
            }

            // The target's own key, stricter than the source: the copied rows do not satisfy it.
            m.targetSql("TRUNCATE customers, orders, employees, a, b", "DELETE FROM warp.base_copy WHERE slot_name = '" + m.slotName() + "'",
                    "DELETE FROM warp.base_copy_progress WHERE slot_name = '" + m.slotName() + "'",
                    "CREATE TABLE vip (note text PRIMARY KEY)", "ALTER TABLE orders ADD CONSTRAINT orders_vip FOREIGN KEY (note) REFERENCES vip");
            try (Connection s = m.source()) {
                Sql.one(s, "SELECT pg_drop_replication_slot(?)", m.slotName());
            }
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new BaseCopy(source, target, "warp",
                    new BaseCopyOptions(3, 1_000, false), LOG::info).run(m.slotName(), m.publicationName(), tables));
            assertTrue(refused.getMessage().contains("orders_vip") && refused.getMessage().contains("23503"), refused.getMessage());
            assertFalse(refused.getMessage().contains("secret-"), "no row value: " + refused.getMessage());
            try (Connection t = m.target()) {
                assertEquals("orders_vip", Sql.one(t, "SELECT string_agg(constraint_name, ',') FROM warp.base_copy_foreign_keys"),
                        "the key that could not be re-added stays recorded");
            }
        }
    }
}
