package io.citus.warp.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Compares a source table with its target row by row, matched by key, in the text form of every column
 * (PostgreSQL's own output functions, {@code column::text}), and names what differs: rows missing on the
 * target, rows only on the target, and the first row whose columns differ, with those columns. Stronger
 * than a digest (it says which row) and than an ordered list comparison (one lost row does not shift the rest).
 */
public final class RowDiff {
    private static final int SHOWN = 3;

    /** The outcome of one comparison; {@link #describe()} is for test failure messages (it prints values). */
    public record Result(String table, int sourceRows, int targetRows, List<String> missing, List<String> extra,
                         int differing, String firstDifference) {
        public boolean equal() {
            return missing.isEmpty() && extra.isEmpty() && differing == 0;
        }

        public String describe() {
            if (equal()) {
                return table + ": " + sourceRows + " rows equal";
            }
            StringBuilder s = new StringBuilder(table).append(" differs: source ").append(sourceRows).append(" rows, target ")
                    .append(targetRows).append(" rows; ").append(missing.size()).append(" missing on the target, ")
                    .append(extra.size()).append(" only on the target, ").append(differing).append(" with other values");
            if (!missing.isEmpty()) {
                s.append("\n  first missing keys: ").append(missing.subList(0, Math.min(SHOWN, missing.size())));
            }
            if (!extra.isEmpty()) {
                s.append("\n  first keys only on the target: ").append(extra.subList(0, Math.min(SHOWN, extra.size())));
            }
            if (firstDifference != null) {
                s.append("\n  first differing row: ").append(firstDifference);
            }
            return s.toString();
        }
    }

    private RowDiff() {
    }

    /** Fails with {@link Result#describe()} unless the target table holds exactly the source table's rows. */
    public static Result assertSame(Migration m, String table, String... keyColumns) throws SQLException {
        Result result = compare(m, table, keyColumns);
        if (!result.equal()) {
            throw new AssertionError(result.describe());
        }
        return result;
    }

    /** Compares {@code table} (schema-qualified, as written in SQL) on the migration's source and target. */
    public static Result compare(Migration m, String table, String... keyColumns) throws SQLException {
        try (Connection src = m.source(); Connection dst = m.target()) {
            return compare(src, dst, table, List.of(keyColumns));
        }
    }

    public static Result compare(Connection source, Connection target, String table, List<String> keyColumns) throws SQLException {
        List<String> columns = columns(source, table);
        for (String key : keyColumns) {
            if (!columns.contains(key)) {
                throw new IllegalArgumentException("key column " + key + " is not a column of " + table + ": " + columns);
            }
        }
        Map<List<String>, String[]> expected = rows(source, table, columns, keyColumns);
        Map<List<String>, String[]> actual = rows(target, table, columns, keyColumns);
        List<String> missing = new ArrayList<>();
        int differing = 0;
        String first = null;
        for (Map.Entry<List<String>, String[]> e : expected.entrySet()) {
            String[] other = actual.get(e.getKey());
            if (other == null) {
                missing.add(keyText(keyColumns, e.getKey()));
            } else if (!Arrays.equals(e.getValue(), other)) {
                differing++;
                if (first == null) {
                    first = difference(keyColumns, e.getKey(), columns, e.getValue(), other);
                }
            }
        }
        List<String> extra = actual.keySet().stream().filter(k -> !expected.containsKey(k))
                .map(k -> keyText(keyColumns, k)).collect(Collectors.toList());
        return new Result(table, expected.size(), actual.size(), missing, extra, differing, first);
    }

    /** The source table's columns in order (dropped columns excluded), as quoted identifiers. */
    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(attname) FROM pg_attribute "
                + "WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("no columns found for " + table);
        }
        return columns;
    }

    private static Map<List<String>, String[]> rows(Connection c, String table, List<String> columns, List<String> keyColumns)
            throws SQLException {
        String select = columns.stream().map(col -> "(t." + col + ")::text").collect(Collectors.joining(", "));
        // ONLY: a parent of inheritance children holds just its own rows (a partitioned table's are its partitions').
        String only = "r".equals(relkind(c, table)) ? "ONLY " : "";
        String sql = "SELECT " + select + " FROM " + only + table + " t ORDER BY " + String.join(", ", keyColumns);
        int[] keyIndexes = keyColumns.stream().mapToInt(columns::indexOf).toArray();
        Map<List<String>, String[]> rows = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String[] row = new String[columns.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getString(i + 1);
                }
                List<String> key = new ArrayList<>(keyIndexes.length);
                for (int k : keyIndexes) {
                    key.add(row[k]);
                }
                if (rows.put(key, row) != null) {
                    throw new AssertionError(table + " has two rows with key " + keyText(keyColumns, key)
                            + " (" + (c.getMetaData().getURL()) + ")");
                }
            }
        }
        return rows;
    }

    private static String relkind(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relkind FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String keyText(List<String> keyColumns, List<String> key) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < key.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(keyColumns.get(i)).append('=').append(key.get(i));
        }
        return s.append(')').toString();
    }

    private static String difference(List<String> keyColumns, List<String> key, List<String> columns, String[] source, String[] target) {
        StringBuilder s = new StringBuilder(keyText(keyColumns, key)).append(':');
        for (int i = 0; i < columns.size(); i++) {
            if (!java.util.Objects.equals(source[i], target[i])) {
                s.append(' ').append(columns.get(i)).append(" source ").append(shown(source[i]))
                        .append(" target ").append(shown(target[i])).append(';');
            }
        }
        return s.toString();
    }

    /** A value for a failure message: short ones whole, long ones (TOASTed) as length and head. */
    private static String shown(String value) {
        if (value == null) {
            return "NULL";
        }
        return value.length() <= 60 ? "'" + value + "'" : "'" + value.substring(0, 40) + "…' (" + value.length() + " chars)";
    }
}
