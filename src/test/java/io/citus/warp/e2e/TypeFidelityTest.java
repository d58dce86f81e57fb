package io.citus.warp.e2e;

import io.citus.warp.connect.ConnectorTemplates.WireFormat;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every common built-in type, with edge values and NULLs, is copied exactly: after the snapshot and
 * again after streaming INSERTs and UPDATEs, each value's text on the target equals the source's
 * (PostgreSQL's own output functions, compared per row and column). Types Debezium cannot carry
 * exactly make the sink task fail, naming table, column and type, with nothing applied.
 * docs/type-fidelity.md lists the outcome per type. The exact types run through every shipped wire format
 * (docs/wire-format.md): JSON with inline schemas, and Avro through a real schema registry.
 */
@EndToEnd
class TypeFidelityTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    static final String TYPES = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s "complicated"');
            CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
            CREATE DOMAIN short_text AS varchar(20);
            """;

    static final String TABLE = """
            CREATE TABLE fidelity (
              id int PRIMARY KEY,
              c_smallint smallint, c_int integer, c_bigint bigint,
              c_numeric numeric, c_numeric_ps numeric(12,4), c_numeric_big numeric(40,20),
              c_real real, c_double double precision, c_money money,
              c_text text, c_varchar varchar(10), c_char char(5),
              c_bytea bytea, c_bool boolean,
              c_date date, c_time time, c_time3 time(3),
              c_timestamp timestamp, c_timestamp3 timestamp(3), c_timestamptz timestamptz, c_timestamptz0 timestamptz(0),
              c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb, c_xml xml,
              c_inet inet, c_cidr cidr, c_macaddr macaddr, c_macaddr8 macaddr8,
              c_bit1 bit(1), c_bit12 bit(12),
              c_int_arr int[], c_text_arr text[], c_bigint_arr bigint[], c_smallint_arr smallint[], c_numeric_arr numeric[],
              c_bool_arr boolean[], c_float8_arr float8[], c_uuid_arr uuid[], c_date_arr date[], c_ts_arr timestamp[],
              c_tstz_arr timestamptz[], c_jsonb_arr jsonb[], c_varchar_arr varchar(5)[], c_inet_arr inet[],
              c_enum mood, c_domain posint, c_domain_text short_text,
              c_int4range int4range, c_int8range int8range, c_numrange numrange, c_daterange daterange,
              c_tsrange tsrange, c_tstzrange tstzrange,
              c_tsvector tsvector,
              c_point point, c_line line, c_lseg lseg, c_box box, c_path path, c_polygon polygon, c_circle circle,
              c_oid oid
            )""";

    /** Edge values: extremes, specials (NaN, infinities, -0), BC and far-future times, quoting, unicode; then a NULL row. */
    static final String[] ROWS = {
            """
            INSERT INTO fidelity VALUES (1,
              32767, 2147483647, 9223372036854775807,
              '123456789012345678901234567890.123456789012345678901234567890', 99999999.9999, '12345678901234567890.12345678901234567890',
              'NaN', 'Infinity', '92233720368547758.07',
              E'tab\\there\\nnew line \\\\ back "quote" ''single'' \\u00fcn\\u00efc\\u00f8d\\u00e9 \\U0001F600', 'ten chars!', 'ab',
              '\\x00ff5c0a0d09', true,
              '1970-01-01', '24:00:00', '23:59:59.999',
              'infinity', '2000-01-01 00:00:00.123', '-infinity', '2024-03-31 01:59:59+00',
              '1 year -2 mons +3 days -04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
              '{"a": [1, 2.50, 1e400, 12345678901234567890.123456789],  "\\u00fc": "x"}',
              '{"big": 123456789012345678901234567890, "small": 0.000000000000000000001, "pi": 3.14159265358979323846264338327950288, "nested": {"x": [null, true, "s"]}}',
              '<a b="c">text &amp; more</a>',
              '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
              '1', '001010000001',
              '{1,NULL,-3}', '{"a,b","c\\"d",NULL,"NULL","", " sp ","back\\\\slash","{}"}', '{9223372036854775807}', '{-32768,32767}',
              '{1.10,-0.000001,123456789012345678901234567890.5}', '{t,f,NULL}', '{1.5,-0,Infinity,NaN}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
              '{2000-02-29,1999-12-31}', '{"2000-01-01 00:00:00.000001"}', '{"2024-10-27 01:30:00+01"}',
              ARRAY['{"a": 1}', '[1, "x"]']::jsonb[], '{abc,"d e"}', '{192.168.0.1,::1}',
              'it''s "complicated"', 5, 'short',
              '[1,10)', '[-9223372036854775808,9223372036854775807)', '(1.5,2.25]', '[2000-01-01,infinity)',
              '["2000-01-01 00:00:00.5","2001-01-01")', '[2020-01-01 00:00+00,infinity)',
              'a fat cat:1,3 sat:2A ''it''''s''',
              '(1.5,-2.25)', '{1,-1,0}', '[(0,0),(1,1)]', '(1,1),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(2,0))', '<(1,2),3.5>',
              4294967295)""",
            """
            INSERT INTO fidelity VALUES (2,
              -32768, -2147483648, -9223372036854775808,
              'NaN', -0.0001, '-0.00000000000000000001',
              '-0', '-Infinity', '-92233720368547758.08',
              '', '', '',
              '\\x', false,
              '1582-10-15', '00:00:00', '00:00:00.001',
              '4713-01-01 00:00:00 BC', '9999-12-31 23:59:59.999', '0044-03-15 12:00:00.000001+00 BC', 'infinity',
              '-1 days +23:59:59.999999', '00000000-0000-0000-0000-000000000000',
              '[]', '"\\u00fcn\\u00efc\\u00f8d\\u00e9"', '',
              '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff', '00:00:00:00:00:00:00:00',
              '0', '000000000000',
              '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}',
              'sad', 2147483647, '',
              'empty', 'empty', '(,)', '(,2000-01-01)', '(,)', '(,)',
              '',
              '(0,-0)', '{0,1,-5.5}', '[(-1e-300,2),(3,4)]', '(0,0),(0,0)', '((0,0),(1e300,1))', '((0,0))', '<(0,0),0>',
              0)""",
            """
            INSERT INTO fidelity VALUES (3,
              0, 0, 0,
              'Infinity', 0, '0.00000000000000000001',
              3.4028235e38, 1e-308, 0.01,
              'plain', 'x', 'abcde',
              decode(repeat('ab', 3000), 'hex'), NULL,
              '2000-02-29', '12:34:56.789012', '00:00:00',
              '2024-03-10 02:30:00.5', '1970-01-01 00:00:00', '2024-10-27 01:30:00.000001+01', '2024-03-31 03:00:00+02',
              '0', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
              '{"dup": 1, "dup": 2}', '{"num": 1.0e2, "neg": -0, "arr": [1.10, 2.000]}', '<r>x</r>',
              '0.0.0.0/0', '0.0.0.0/0', '01:02:03:04:05:06', '01:02:03:04:05:06:07:08',
              NULL, '111111111111',
              '{NULL}', '{NULL,NULL}', '{-9223372036854775808,0}', '{0}',
              '{0.00000000000000000001}', '{NULL}', '{0.1,1e-308,1.7976931348623157e308}', '{}',
              '{2000-01-01,NULL}', '{"1900-01-01 00:00:00",infinity,-infinity}', '{"1900-01-01 00:00:00.5+00",NULL}',
              '{}', '{NULL}', '{}',
              'ok', 1, NULL,
              '(,5]', '[0,1]', '[-Infinity,Infinity]', '[2000-01-01,2000-01-01]',
              '["4713-01-01 00:00:00 BC",infinity]', '["2000-01-01 00:00:00.000001+00","2000-01-02 00:00:00+05:30")',
              'zero',
              '(1e-300,1e300)', '{2,3,4}', '[(1,2),(3,4)]', '(2,2),(1,1)', '[(0,0)]', '((1,1),(2,2),(3,1),(1,1))', '<(1e10,-1e10),1e-10>',
              1)""",
            "INSERT INTO fidelity (id) VALUES (4)",
    };

    /**
     * Values Debezium's snapshot alters (and the sink therefore refuses in a snapshot) but streaming carries
     * exactly (docs/type-fidelity.md): they are inserted after the snapshot.
     */
    static final String STREAMED_ONLY = """
            INSERT INTO fidelity (id, c_date, c_timestamp, c_timestamptz, c_ts_arr, c_tstz_arr, c_date_arr)
            VALUES (5, '4713-01-01 BC', '4713-01-01 00:00:00 BC', '0044-03-15 12:00:00.5+00 BC',
                    '{infinity,-infinity,"1582-10-15 00:00:00"}', '{"1582-10-15 00:00:00+00"}', '{1582-10-15}')""";

    @ParameterizedTest(name = "{0}")
    @EnumSource(WireFormat.class)
    void everyExactTypeIsCopiedValueForValueBySnapshotAndStreaming(WireFormat format, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "types").wireFormat(format)) {
            m.sourceSql(TYPES, TABLE);
            m.sourceSql(ROWS);
            boolean hstore = addHstoreIfAvailable(m);
            m.targetSql(TYPES, TABLE);
            if (hstore) {
                m.targetSql("CREATE EXTENSION hstore", "ALTER TABLE fidelity ADD COLUMN c_hstore hstore");
            }
            List<String> columns = columns(m);

            m.deploySource("public.fidelity");
            m.deploySink("public.fidelity");
            awaitSameValues(m, columns, 4);

            // Streaming inserts: a row of snapshot-lossy values, then a copy of every row under a new key.
            m.sourceSql(STREAMED_ONLY);
            m.sourceSql("INSERT INTO fidelity SELECT (r).* FROM (SELECT ROW(id + 100, " + columns.stream()
                    .filter(c -> !c.equals("id")).map(TypeFidelityTest::quote).collect(Collectors.joining(", "))
                    + ")::fidelity AS r FROM fidelity) s");
            awaitSameValues(m, columns, 10);

            // Streaming updates: every row takes the next row's values (the NULL row's too), so each value is written
            // once more through UPDATE, and NULLs replace values and values replace NULLs.
            String set = columns.stream().filter(c -> !c.equals("id")).map(TypeFidelityTest::quote)
                    .collect(Collectors.joining(", "));
            m.sourceSql("UPDATE fidelity f SET (" + set + ") = (SELECT " + set + " FROM fidelity g WHERE g.id = "
                    + "CASE WHEN f.id % 100 = 4 THEN f.id - 3 ELSE f.id + 1 END) WHERE f.id IN (1, 2, 3, 4)");
            m.sourceSql("UPDATE fidelity f SET (" + set + ") = (SELECT " + set + " FROM fidelity g WHERE g.id = 3) WHERE f.id = 104");
            awaitSameValues(m, columns, 10);
            assertEquals(compare(m, columns), List.of(), "every value equal after streaming");
        }
    }

    /**
     * Debezium puts a column's constant DEFAULT into the Connect schema, and Connect's {@code Struct.get} answers that
     * default for a field holding null: an explicit NULL (snapshot, insert, update to NULL) must stay NULL on the target,
     * whatever the wire format.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(WireFormat.class)
    void anExplicitNullInAColumnWithADefaultStaysNull(WireFormat format, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "nulls").wireFormat(format)) {
            String ddl = "CREATE TABLE defaults (id int PRIMARY KEY, n int DEFAULT 7, s text DEFAULT 'dflt', "
                    + "b boolean DEFAULT true, d numeric(6,2) DEFAULT 1.5)";
            m.sourceSql(ddl, "INSERT INTO defaults VALUES (1, NULL, NULL, NULL, NULL)", "INSERT INTO defaults (id) VALUES (2)",
                    "INSERT INTO defaults VALUES (3, 1, 'x', false, 2.25)");
            m.targetSql(ddl);
            m.deploySource("public.defaults");
            m.deploySink("public.defaults");
            io.citus.warp.testing.TableDigest.awaitEqual(m, WAIT, "defaults", "id");
            m.sourceSql("INSERT INTO defaults VALUES (4, NULL, NULL, NULL, NULL)",
                    "UPDATE defaults SET n = NULL, s = NULL, b = NULL, d = NULL WHERE id = 3");
            io.citus.warp.testing.TableDigest.awaitEqual(m, WAIT, "defaults", "id");
            try (Connection c = m.target(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM defaults WHERE n IS NULL AND s IS NULL AND b IS NULL AND d IS NULL")) {
                rs.next();
                assertEquals(3, rs.getInt(1), "rows 1, 3 and 4 hold NULLs on the target, as on the source");
            }
        }
    }

    private static boolean addHstoreIfAvailable(Migration m) throws SQLException {
        try (Connection c = m.source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'hstore'")) {
            if (!rs.next()) {
                return false;
            }
        }
        m.sourceSql("CREATE EXTENSION hstore", "ALTER TABLE fidelity ADD COLUMN c_hstore hstore",
                "UPDATE fidelity SET c_hstore = 'a=>1, \"b c\"=>NULL, \"q\\\"uote\"=>\"x=>y\", \"\"=>\"\"' WHERE id = 1",
                "UPDATE fidelity SET c_hstore = '' WHERE id = 2");
        return true;
    }

    /**
     * Types Debezium cannot carry exactly: the sink refuses the first such value, naming table, column and
     * type, and applies nothing (the snapshot batch holding it is rolled back).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            timetz                    | snapshot  | timetz        | '13:51:30.123789+02'     | time with time zone
            timetz                    | streaming | timetz        | '13:51:30.123789+02'     | time with time zone
            date infinity             | snapshot  | date          | 'infinity'               | date
            date infinity             | streaming | date          | '-infinity'              | date
            date[] with infinity      | snapshot  | date[]        | '{2000-01-01,-infinity}' | date[]
            date BC                   | snapshot  | date          | '0001-01-01 BC'          | date
            date[] BC                 | streaming | date[]        | '{0044-01-01 BC}'        | date[]
            timestamp[] before 1582   | streaming | timestamp[]   | '{1000-01-01 00:00:00}'  | timestamp without time zone[]
            timestamptz[] BC          | snapshot  | timestamptz[] | '{0044-03-15 12:00:00+00 BC}' | timestamp with time zone[]
            timestamptz[] infinity    | snapshot  | timestamptz[] | '{infinity,-infinity}'   | timestamp with time zone[]
            timestamptz[] -infinity   | streaming | timestamptz[] | '{-infinity}'            | timestamp with time zone[]
            multi-dimensional int[][] | snapshot  | int[][]       | '{{1,2},{3,4}}'          | integer[]
            multi-dimensional text[]  | streaming | text[]        | '{{a,b},{c,d}}'          | text[]
            varbit                    | snapshot  | varbit(8)     | '0011'                   | bit varying(8)
            interval[]                | snapshot  | interval[]    | '{1 day}'                | interval[]
            """)
    void typesDebeziumCannotCarryExactlyFailTheTaskLoudly(String label, String phase, String type, String value, String formatted,
                                                          TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "lossy")) {
            String table = "lossy";
            String ddl = "CREATE TABLE " + table + " (id int PRIMARY KEY, ok text, v " + type + ")";
            boolean streaming = phase.equals("streaming");
            m.sourceSql(ddl, "INSERT INTO " + table + " VALUES (1, 'fine', NULL)");
            if (!streaming) {
                m.sourceSql("INSERT INTO " + table + " VALUES (2, 'fine', " + value + ")");
            }
            m.targetSql(ddl);
            m.deploySource("public." + table);
            m.deploySink("public." + table);
            long expected = 0; // a refused snapshot batch leaves nothing
            if (streaming) {
                io.citus.warp.testing.TableDigest.awaitEqual(m, WAIT, table, "id");
                // One source transaction: a fine row and the lossy one; neither may be applied.
                m.sourceSql("BEGIN", "INSERT INTO " + table + " VALUES (3, 'fine', NULL)",
                        "INSERT INTO " + table + " VALUES (2, 'fine', " + value + ")", "COMMIT");
                expected = 1;
            }
            String trace = m.awaitTaskFailure(m.sinkConnector());
            String message = trace.lines().limit(20).collect(Collectors.joining("\n"));
            assertTrue(trace.contains("public." + table), "names the table: " + message);
            assertTrue(trace.contains("\"v\""), "names the column: " + message);
            assertTrue(trace.contains(formatted), "names the type " + formatted + ": " + message);
            try (Connection c = m.target(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                assertEquals(expected, rs.getLong(1), "nothing of the batch or transaction applied, not even the row without the lossy value");
            }
        }
    }

    private static List<String> columns(Migration m) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = m.source(); PreparedStatement ps = c.prepareStatement(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'fidelity'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static void awaitSameValues(Migration m, List<String> columns, int rows) {
        try {
            Eventually.await(WAIT, rows + " rows on the target", () -> {
                failFast(m);
                try (Connection c = m.target(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM fidelity")) {
                    rs.next();
                    return rs.getInt(1) == rows && compare(m, columns).isEmpty();
                }
            });
        } catch (AssertionError timedOut) {
            if (!String.valueOf(timedOut.getMessage()).startsWith("timed out")) {
                throw timedOut; // a failed task: its trace says it all
            }
            try {
                throw new AssertionError("values differ:\n" + String.join("\n", compare(m, columns)), timedOut);
            } catch (SQLException e) {
                timedOut.addSuppressed(e);
                throw timedOut;
            }
        }
    }

    /** A failed connector task ends the wait at once, with its trace (an Error passes through Eventually). */
    static void failFast(Migration m) {
        for (String connector : new String[] {m.sourceConnector(), m.sinkConnector()}) {
            for (com.fasterxml.jackson.databind.JsonNode task : m.connect().status(connector).path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new AssertionError(connector + " task FAILED: " + task.path("trace").asText());
                }
            }
        }
    }

    /** One line per differing value: row, column, source text, target text; empty when the tables are equal. */
    private static List<String> compare(Migration m, List<String> columns) throws SQLException {
        Map<String, String> source = values(m.source(), columns);
        Map<String, String> target = values(m.target(), columns);
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (!target.containsKey(e.getKey()) || !Objects.equals(e.getValue(), target.get(e.getKey()))) {
                diffs.add(e.getKey() + ": source " + e.getValue() + " | target "
                        + (target.containsKey(e.getKey()) ? target.get(e.getKey()) : "(no row)"));
            }
        }
        for (String key : target.keySet()) {
            if (!source.containsKey(key)) {
                diffs.add(key + ": not on the source");
            }
        }
        // The row text of the whole table too, so a difference outside the listed columns cannot hide.
        if (diffs.isEmpty() && !rowText(m.source()).equals(rowText(m.target()))) {
            diffs.add("row text differs");
        }
        return diffs;
    }

    private static Map<String, String> values(Connection connection, List<String> columns) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        try (Connection c = connection; Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns.stream().map(col -> quote(col) + "::text")
                     .collect(Collectors.joining(", ")) + " FROM fidelity ORDER BY id")) {
            while (rs.next()) {
                for (int i = 1; i <= columns.size(); i++) {
                    values.put("id " + rs.getString(1) + " " + columns.get(i - 1), rs.getString(i));
                }
            }
        }
        return values;
    }

    private static List<String> rowText(Connection connection) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connection; Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT f::text FROM fidelity f ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
