package io.citus.warp.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Compares tables by the text form of their rows (PostgreSQL's own output functions), never by
 * Java values: two tables are equal when the ordered list of {@code row::text} is equal.
 */
public final class TableDigest {
    private TableDigest() {
    }

    /** Row count and md5 of all rows' text, ordered by the given key expression. */
    public static String digest(Connection connection, String table, String orderBy) throws SQLException {
        String sql = "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY " + orderBy + ")), '-') FROM "
                + table + " t";
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Every row's text, ordered; for a readable diff when digests differ. */
    public static List<String> rows(Connection connection, String table, String orderBy) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY " + orderBy)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    /** Waits until every table has the same digest on target as on source (the source must be quiet). */
    public static void awaitEqual(Migration m, Duration timeout, String... tablesOrderedBy) {
        awaitEqual(m, timeout, UnaryOperator.identity(), tablesOrderedBy);
    }

    /** The same, for targets whose tables sit in another schema (the sink's schema.mapping). */
    public static void awaitEqualInSchema(Migration m, Duration timeout, String targetSchema, String... tablesOrderedBy) {
        awaitEqual(m, timeout, table -> targetSchema + "." + table, tablesOrderedBy);
    }

    private static void awaitEqual(Migration m, Duration timeout, UnaryOperator<String> onTarget, String... tablesOrderedBy) {
        try {
            awaitDigests(m, timeout, onTarget, tablesOrderedBy);
        } catch (AssertionError timedOut) {
            for (int i = 0; i < tablesOrderedBy.length; i += 2) {
                try {
                    assertEqual(m, tablesOrderedBy[i], onTarget.apply(tablesOrderedBy[i]), tablesOrderedBy[i + 1]);
                } catch (SQLException e) {
                    timedOut.addSuppressed(e);
                }
            }
            throw timedOut;
        }
    }

    private static void awaitDigests(Migration m, Duration timeout, UnaryOperator<String> onTarget, String... tablesOrderedBy) {
        Eventually.await(timeout, "target equal to source for " + String.join(", ", tablesOrderedBy), () -> {
            m.assertNoConnectorFailed();
            try (Connection src = m.source(); Connection dst = m.target()) {
                for (int i = 0; i < tablesOrderedBy.length; i += 2) {
                    String table = tablesOrderedBy[i];
                    String order = tablesOrderedBy[i + 1];
                    if (!digest(src, table, order).equals(digest(dst, onTarget.apply(table), order))) {
                        return false;
                    }
                }
                return true;
            }
        });
    }

    public static void assertEqual(Migration m, String table, String orderBy) throws SQLException {
        assertEqual(m, table, table, orderBy);
    }

    private static void assertEqual(Migration m, String table, String targetTable, String orderBy) throws SQLException {
        try (Connection src = m.source(); Connection dst = m.target()) {
            List<String> expected = rows(src, table, orderBy);
            List<String> actual = rows(dst, targetTable, orderBy);
            if (!expected.equals(actual)) {
                throw new AssertionError("table " + table + " differs between source and target\nsource: " + expected
                        + "\ntarget: " + actual);
            }
        }
    }
}
