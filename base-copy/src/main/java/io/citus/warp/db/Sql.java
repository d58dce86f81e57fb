package io.citus.warp.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Quoting and small query helpers: identifiers are always quoted, values always bound. */
public final class Sql {
    private Sql() {
    }

    /** The quoted identifier, as the sink quotes it (see {@link io.citus.warp.common.Identifiers}). */
    public static String ident(String name) {
        return io.citus.warp.common.Identifiers.quote(name);
    }

    public static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    /**
     * Text as a dollar-quoted string constant whose tag does not occur in it: source-controlled text (enum labels, CHECK
     * expressions) cannot end the quote early and run as SQL of its own.
     */
    public static String dollarQuote(String prefix, String text) {
        String tag = "$" + prefix + "$";
        // The quote ends at the first occurrence of the tag after the opening one: that must be the closing one.
        for (int i = 0; (text + tag).indexOf(tag) != text.length(); i++) {
            tag = "$" + prefix + "_" + i + "$";
        }
        return tag + text + tag;
    }

    /** The first column of the first row as a string, or null. */
    public static String one(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Every row as string columns. */
    public static List<String[]> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                List<String[]> rows = new ArrayList<>();
                while (rs.next()) {
                    String[] row = new String[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    public static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
