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
}
