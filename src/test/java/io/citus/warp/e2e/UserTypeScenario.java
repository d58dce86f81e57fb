package io.citus.warp.e2e;

import io.citus.warp.common.TableName;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.RowDiff;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * User-defined types through an initial load and then while streaming, compared value for value in PostgreSQL's text
 * form: enums (labels holding quotes, spaces, commas, braces, backslashes and the word NULL) and arrays of them with
 * NULL elements, multi-dimensional; domains over a scalar, an enum array and a built-in array (a domain over an
 * enum makes Debezium 3.6 fail at start, see {@code UserTypeCheckTest}); composites,
 * arrays of composites and nested composites; a user-defined range, its array and its multirange (in a table of
 * their own: Citus 13.2 cannot distribute a table using a user-defined range, so on Citus it stays a local table on
 * the coordinator); built-in multiranges and an array of a built-in range; a type in another schema whose schema and type names need quoting; an
 * enum in a primary key. Large arrays are stored out of line, so an update of another column leaves them as unchanged
 * TOAST values (Debezium's placeholder). The tables live in their own schema {@code s} on both sides (a Citus target
 * database is shared by the tests).
 */
final class UserTypeScenario {
    private static final Duration WAIT = Duration.ofSeconds(300);

    private UserTypeScenario() {
    }

    static String odd(String s) {
        return "\"" + s + " \"\"odd\"\" types\"";
    }

    /** Types and tables, the same on source and target. */
    static String[] schema(String s) {
        String odd = odd(s);
        return new String[] {
            "CREATE SCHEMA " + odd,
            "CREATE TYPE " + s + ".mood AS ENUM ('sad', 'ok', 'it''s \"complicated\"', 'a,b', '{braces}', 'back\\slash', ' spaced ', 'NULL')",
            "CREATE TYPE " + odd + ".\"Mood, \"\"Q\"\"\" AS ENUM ('x', 'y z', 'Ü')",
            "CREATE DOMAIN " + s + ".posint AS integer CHECK (VALUE > 0)",
            "CREATE DOMAIN " + s + ".moods AS " + s + ".mood[]",
            "CREATE DOMAIN " + s + ".int_list AS integer[] CHECK (cardinality(VALUE) < 1000)",
            "CREATE TYPE " + s + ".pair AS (a integer, b text)",
            "CREATE TYPE " + s + ".nested AS (p " + s + ".pair, tags text[], m " + s + ".mood)",
            "CREATE TYPE " + s + ".floatrange AS RANGE (subtype = float8)",
            "CREATE TABLE " + s + ".udt (id int PRIMARY KEY, note text,"
                    + " m " + s + ".mood, ms " + s + ".mood[], ms2 " + s + ".mood[][], mds " + s + ".moods,"
                    + " odd " + odd + ".\"Mood, \"\"Q\"\"\", odds " + odd + ".\"Mood, \"\"Q\"\"\"[],"
                    + " d " + s + ".posint, il " + s + ".int_list,"
                    + " p " + s + ".pair, ps " + s + ".pair[], n " + s + ".nested, ns " + s + ".nested[],"
                    + " i4mr int4multirange, nmr nummultirange, dmr datemultirange, tsmr tstzmultirange, i4rs int4range[])",
            "ALTER TABLE " + s + ".udt ALTER COLUMN ms SET STORAGE EXTERNAL, ALTER COLUMN ps SET STORAGE EXTERNAL,"
                    + " ALTER COLUMN n SET STORAGE EXTERNAL",
            // A table of its own: Citus 13.2 refuses to distribute a table using a user-defined range type.
            "CREATE TABLE " + s + ".ranges (id int PRIMARY KEY, note text, fr " + s + ".floatrange, frs " + s + ".floatrange[],"
                    + " fmr " + s + ".floatmultirange)",
            "ALTER TABLE " + s + ".ranges ALTER COLUMN fmr SET STORAGE EXTERNAL",
            "CREATE TABLE " + s + ".mood_keyed (m " + s + ".mood NOT NULL, id int NOT NULL, odd " + odd + ".\"Mood, \"\"Q\"\"\","
                    + " v text, PRIMARY KEY (m, id))",
        };
    }

    /** Rows: every odd value, empty arrays and ranges, a row of NULLs, and one holding large (TOASTed) values. */
    static String[] rows(String s) {
        String mood = s + ".mood";
        String odd = odd(s) + ".\"Mood, \"\"Q\"\"\"";
        return new String[] {
            "INSERT INTO " + s + ".udt VALUES (1, 'one', 'it''s \"complicated\"',"
                    + " ARRAY['sad', NULL, 'it''s \"complicated\"', 'a,b', '{braces}', 'back\\slash', ' spaced ', 'NULL']::" + mood + "[],"
                    + " '{{sad,ok},{NULL,\"a,b\"}}', ARRAY['NULL', NULL, '{braces}']::" + mood + "[],"
                    + " 'y z', ARRAY['x', NULL, 'Ü']::" + odd + "[], 7, '{1,NULL,3}',"
                    + " ROW(1, 'x \"y\", (z) \\ back'), ARRAY[ROW(1, 'a'), ROW(NULL, NULL), NULL, ROW(-2, '')]::" + s + ".pair[],"
                    + " ROW(ROW(3, 'q\\b')::" + s + ".pair, ARRAY['t,1', NULL, ''], 'a,b')::" + s + ".nested,"
                    + " ARRAY[ROW(ROW(4, 'z')::" + s + ".pair, '{}', NULL)::" + s + ".nested, NULL, ROW(NULL, NULL, ' spaced ')::" + s + ".nested],"
                    + " '{[1,3), [5,7)}', '{(,0], [1.5,2.5)}', '{[2000-01-01,infinity)}', '{[2020-01-01 00:00+00,2021-01-01 00:00+00)}',"
                    + " ARRAY['[1,2)', 'empty', NULL]::int4range[])",
            "INSERT INTO " + s + ".udt VALUES (2, 'two', 'sad', '{}', '{}', '{}', 'x', '{}', 1, '{}', ROW(NULL, NULL), '{}',"
                    + " ROW(NULL, '{}', NULL)::" + s + ".nested, '{}', '{}', '{}', '{}', '{}', '{}')",
            "INSERT INTO " + s + ".udt (id) VALUES (3)",
            // Larger than the 2 kB TOAST threshold and stored uncompressed out of line (STORAGE EXTERNAL).
            "INSERT INTO " + s + ".udt (id, note, m, ms, ps, n) SELECT 4, 'big', 'back\\slash',"
                    + " (SELECT array_agg(CASE WHEN i % 7 = 0 THEN NULL ELSE (enum_range(NULL::" + mood + "))[1 + i % 8] END)"
                    + "   FROM generate_series(1, 3000) i),"
                    + " (SELECT array_agg(ROW(i, 'pair \"' || i || '\", \\')::" + s + ".pair) FROM generate_series(1, 500) i),"
                    + " ROW(ROW(1, repeat('n', 5000))::" + s + ".pair, ARRAY['a'], 'ok')::" + s + ".nested",
            "INSERT INTO " + s + ".ranges VALUES (1, 'one', '[1.5,2.5)', ARRAY['[1,2]', 'empty', NULL]::" + s + ".floatrange[],"
                    + " '{[1,2), [3,4]}'), (2, 'two', 'empty', '{}', '{}')",
            "INSERT INTO " + s + ".ranges (id) VALUES (3)",
            "INSERT INTO " + s + ".ranges (id, note, fmr) SELECT 4, 'big', range_agg(" + s + ".floatrange(i, i + 0.5))"
                    + " FROM generate_series(1, 500) i",
            "INSERT INTO " + s + ".mood_keyed VALUES ('it''s \"complicated\"', 1, 'y z', 'a'), ('a,b', 1, NULL, 'b'),"
                    + " ('NULL', 2, 'Ü', 'c'), ('back\\slash', 3, 'x', 'd')",
        };
    }

    static final List<String> UDT_COLUMNS = List.of("m", "ms", "ms2", "mds", "odd", "odds", "d", "il", "p", "ps", "n", "ns",
            "i4mr", "nmr", "dmr", "tsmr", "i4rs");
    static final List<String> RANGE_COLUMNS = List.of("fr", "frs", "fmr");

    /** Creates the schema on both sides (the target's tables distributed on Citus), loads, streams, compares. */
    static void run(Migration m, InitialLoad load, CitusCluster citus) throws Exception {
        String s = m.id();
        m.sourceSql("CREATE SCHEMA " + s);
        m.sourceSql(schema(s));
        m.sourceSql(rows(s));
        if (citus != null) {
            citus.createSchema(s);
        } else {
            m.targetSql("CREATE SCHEMA " + s);
        }
        m.targetSql(schema(s));
        if (citus != null) {
            // The ranges table stays a local table on the coordinator (Citus cannot distribute it); Warp writes it there.
            m.targetSql("SELECT create_distributed_table('" + s + ".udt', 'id')",
                    "SELECT create_distributed_table('" + s + ".mood_keyed', 'id')");
        }
        load.start(m, List.of(new TableName(s, "udt"), new TableName(s, "mood_keyed"), new TableName(s, "ranges")));
        awaitEqual(m, s, 4, 4);

        for (String[] table : new String[][] {{"udt", String.join(", ", UDT_COLUMNS)}, {"ranges", String.join(", ", RANGE_COLUMNS)}}) {
            String t = s + "." + table[0];
            String set = table[1];
            // Streaming: another column of the row with large values (they stay unchanged TOAST values, sent as placeholders).
            m.sourceSql("UPDATE " + t + " SET note = 'big, updated' WHERE id = 4");
            // Inserts: a copy of every row under a new key.
            m.sourceSql("INSERT INTO " + t + " SELECT id + 100, note, " + set + " FROM " + t);
        }
        awaitEqual(m, s, 8, 4);
        for (String[] table : new String[][] {{"udt", String.join(", ", UDT_COLUMNS)}, {"ranges", String.join(", ", RANGE_COLUMNS)}}) {
            String t = s + "." + table[0];
            String set = table[1];
            // Updates: each of rows 1-4 takes the next one's values (the NULL row's too, and the large values).
            m.sourceSql("UPDATE " + t + " f SET (" + set + ") = (SELECT " + set + " FROM " + t + " g WHERE g.id ="
                    + " CASE WHEN f.id = 4 THEN 1 ELSE f.id + 1 END) WHERE f.id IN (1, 2, 3, 4)");
            m.sourceSql("UPDATE " + t + " SET note = 'again' WHERE id IN (3, 104)");
            m.sourceSql("DELETE FROM " + t + " WHERE id IN (2, 101)");
        }
        // Key columns of user types: update a non-key column, change the enum key, delete by it.
        m.sourceSql("UPDATE " + s + ".mood_keyed SET v = 'a2', odd = 'x' WHERE id = 1",
                "UPDATE " + s + ".mood_keyed SET m = '{braces}' WHERE m = 'NULL'",
                "DELETE FROM " + s + ".mood_keyed WHERE m = 'back\\slash'");
        awaitEqual(m, s, 6, 3);
    }

    /** Waits until the tables are equal, {@code udtRows} rows in udt and in ranges, {@code keyedRows} in mood_keyed. */
    static void awaitEqual(Migration m, String s, int udtRows, int keyedRows) {
        Eventually.await(WAIT, "user-type tables equal on the target", () -> {
            m.assertNoConnectorFailed();
            List<String> differences = new ArrayList<>();
            RowDiff.Result keyed = RowDiff.compare(m, s + ".mood_keyed", "id", "m");
            for (String table : List.of("udt", "ranges")) {
                RowDiff.Result rows = RowDiff.compare(m, s + "." + table, "id");
                if (!rows.equal() || rows.sourceRows() != udtRows) {
                    differences.add(rows.describe());
                }
            }
            if (!keyed.equal() || keyed.sourceRows() != keyedRows) {
                differences.add(keyed.describe());
            }
            return differences;
        }, List::isEmpty);
    }
}
