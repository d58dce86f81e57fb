package io.citus.warp.e2e;

import io.citus.warp.common.TableName;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.RowDiff;
import io.citus.warp.verify.TableVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two table shapes through an initial load and then streaming, compared value for value: a table with PostgreSQL's
 * maximum of 1,600 columns (of several types, an enum among them), and text columns with non-default collations —
 * a primary key {@code COLLATE "C"} (whose order differs from the database's), an ICU collation and a
 * nondeterministic (case-insensitive) ICU collation where the servers have ICU. {@code warp verify}'s table
 * comparison, which chunks by key ranges, must find the collated table equal too.
 */
final class WideAndCollatedScenario {
    private static final Logger LOG = LoggerFactory.getLogger(WideAndCollatedScenario.class);
    private static final Duration WAIT = Duration.ofSeconds(600);
    static final int COLUMNS = 1_600;
    /** The value columns after id cycle through these types (kept narrow: a heap row holds at most 8 kB of them). */
    private static final String[] TYPES = {"integer", "text", "boolean", "%s.mood", "smallint"};

    private WideAndCollatedScenario() {
    }

    static String wideTable(String s) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + s + ".wide (id int PRIMARY KEY");
        for (int i = 1; i < COLUMNS; i++) {
            ddl.append(", c").append(i).append(' ').append(TYPES[i % TYPES.length].formatted(s));
        }
        return ddl.append(')').toString();
    }

    /** Rows {@code from..to}, every column set from the row number {@code r} and its position. */
    static String wideRows(String s, int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + s + ".wide SELECT r");
        for (int i = 1; i < COLUMNS; i++) {
            sql.append(", ").append(value(i, "r", s));
        }
        return sql.append(" FROM generate_series(").append(from).append(", ").append(to).append(") r").toString();
    }

    private static String value(int column, String r, String s) {
        return switch (column % TYPES.length) {
            case 0 -> r + " * " + column;
            case 1 -> "'v' || " + r + " || '.' || " + column;
            case 2 -> "(" + r + " + " + column + ") % 2 = 0";
            case 3 -> "(CASE WHEN (" + r + " + " + column + ") % 2 = 0 THEN 'a' ELSE 'b c' END)::" + s + ".mood";
            default -> "(" + column + " % 100)::smallint";
        };
    }

    /** Whether a server has ICU collations. */
    static boolean hasIcu(Connection c) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    static String[] collatedSchema(String s, boolean icu) {
        List<String> ddl = new ArrayList<>();
        if (icu) {
            ddl.add("CREATE COLLATION " + s + ".ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
        }
        ddl.add("CREATE TABLE " + s + ".collated (k text COLLATE \"C\" PRIMARY KEY, v text COLLATE \"C\", n int"
                + (icu ? ", u text COLLATE \"und-x-icu\", ci text COLLATE " + s + ".ci" : "") + ")");
        return ddl.toArray(String[]::new);
    }

    static void run(Migration m, InitialLoad load, CitusCluster citus) throws Exception {
        String s = m.id();
        boolean icu = hasIcu(m.source()) && hasIcu(m.target());
        LOG.info("ICU collations {}", icu ? "on both servers: tested" : "missing on a server: only COLLATE \"C\" is tested");
        String[] schema = new String[] {"CREATE TYPE " + s + ".mood AS ENUM ('a', 'b c')", wideTable(s)};
        m.sourceSql("CREATE SCHEMA " + s);
        if (citus != null) {
            citus.createSchema(s);
        } else {
            m.targetSql("CREATE SCHEMA " + s);
        }
        for (String sql : concat(schema, collatedSchema(s, icu))) {
            m.sourceSql(sql);
            m.targetSql(sql);
        }
        if (citus != null) {
            m.targetSql("SELECT create_distributed_table('" + s + ".wide', 'id')",
                    "SELECT create_distributed_table('" + s + ".collated', 'k')");
        }
        String collatedRow = icu ? "(k, v, n, u, ci) VALUES (%s, %s, %s, %s, %s)" : "(k, v, n) VALUES (%s, %s, %s)";
        m.sourceSql(wideRows(s, 1, 3), "INSERT INTO " + s + ".wide (id) VALUES (4)");
        // Keys whose order under "C" differs from a linguistic one; and many more, so that verify uses several chunks.
        for (String k : new String[] {"a", "B", "é", "Z", "_x", "1", "ä", " ", "aa", "A", "Straße", "STRASSE"}) {
            String lit = "'" + k + "'";
            m.sourceSql("INSERT INTO " + s + ".collated " + (icu ? collatedRow.formatted(lit, lit, "1", lit, lit)
                    : collatedRow.formatted(lit, lit, "1")));
        }
        m.sourceSql("INSERT INTO " + s + ".collated " + (icu ? "SELECT md5(g::text), upper(md5(g::text)), g, md5(g::text), upper(md5(g::text))"
                : "SELECT md5(g::text), upper(md5(g::text)), g") + " FROM generate_series(1, 2000) g");
        load.start(m, List.of(new TableName(s, "wide"), new TableName(s, "collated")));
        awaitEqual(m, s, 4, 2012);

        // Streaming: new wide rows, one column of one row, every column of another (to NULL), a delete; collated rows
        // inserted, updated, re-keyed and deleted.
        m.sourceSql(wideRows(s, 11, 12));
        m.sourceSql("UPDATE " + s + ".wide SET c" + (COLUMNS - 1) + " = 7 WHERE id = 1");
        StringBuilder toNull = new StringBuilder("UPDATE " + s + ".wide SET c1 = NULL");
        for (int i = 2; i < COLUMNS; i++) {
            toNull.append(", c").append(i).append(" = NULL");
        }
        m.sourceSql(toNull.append(" WHERE id = 2").toString(), "UPDATE " + s + ".wide SET (" + String.join(", ", columns(2, COLUMNS))
                + ") = (SELECT " + String.join(", ", columns(2, COLUMNS)) + " FROM " + s + ".wide WHERE id = 3) WHERE id = 4",
                "DELETE FROM " + s + ".wide WHERE id = 3");
        m.sourceSql("INSERT INTO " + s + ".collated " + (icu ? collatedRow.formatted("'b'", "'ß'", "2", "'ß'", "'SS'")
                        : collatedRow.formatted("'b'", "'ß'", "2")),
                "UPDATE " + s + ".collated SET v = v || ' updated', n = n + 1 WHERE k IN ('a', 'Z', 'é')",
                "UPDATE " + s + ".collated SET k = 'a2' WHERE k = 'a'",
                "DELETE FROM " + s + ".collated WHERE k IN ('B', '_x') OR n BETWEEN 100 AND 199");
        if (icu) {
            // Case-insensitive (ICU strength 2): 'straße' matches the row holding 'Straße'.
            m.sourceSql("UPDATE " + s + ".collated SET n = -1 WHERE ci = 'straße' OR ci = 'ä'");
        }
        awaitEqual(m, s, 5, 1911);
        try (Connection src = m.source(); Connection dst = m.target()) {
            TableVerifier.TableResult result = new TableVerifier(src, dst, 100, 0, 0).verify(new TableName(s, "collated"));
            assertTrue(result.equal() && result.chunks() > 10, "warp verify's comparison of the collated table: " + result);
            TableVerifier.TableResult wide = new TableVerifier(src, dst, 2, 0, 0).verify(new TableName(s, "wide"));
            assertTrue(wide.equal(), "warp verify's comparison of the wide table: " + wide);
        }
    }

    private static List<String> columns(int from, int to) {
        List<String> names = new ArrayList<>();
        for (int i = from; i < to; i++) {
            names.add("c" + i);
        }
        return names;
    }

    private static String[] concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    static void awaitEqual(Migration m, String s, int wideRows, int collatedRows) {
        Eventually.await(WAIT, "wide and collated tables equal on the target", () -> {
            m.assertNoConnectorFailed();
            List<String> differences = new ArrayList<>();
            RowDiff.Result wide = RowDiff.compare(m, s + ".wide", "id");
            RowDiff.Result collated = RowDiff.compare(m, s + ".collated", "k");
            if (!wide.equal() || wide.sourceRows() != wideRows) {
                String w = wide.describe(); // a differing row of 1,600 columns: the start says which
                differences.add(w.length() > 2000 ? w.substring(0, 2000) + "..." : w);
            }
            if (!collated.equal() || collated.sourceRows() != collatedRows) {
                differences.add(collated.describe());
            }
            return differences;
        }, List::isEmpty);
    }
}
