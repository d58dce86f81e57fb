package io.citus.warp.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink's {@code replica.identity.index} setting: source tables whose REPLICA IDENTITY is USING INDEX, each with
 * that index's columns, as {@code schema.table:col1+col2} entries separated by commas. {@code warp start} writes it
 * from the source catalog; the sink reads it to match updates and deletes of those tables by the index columns.
 *
 * <p>A name holding one of the separators ({@code . : +}), a double quote or surrounding spaces is written in double
 * quotes (inner quotes doubled), as the reader expects, so every name a catalog holds comes back as it was. A comma
 * cannot be carried at all: Connect splits a list setting at every comma, quoted or not.
 */
public final class ReplicaIdentityIndexes {
    private static final String EXPECTED = "expected schema.table:col1+col2 (a name holding . : + or \" in double quotes)";

    private ReplicaIdentityIndexes() {
    }

    /** The setting's value for these tables, in their order. */
    public static String format(Map<TableName, List<String>> indexes) {
        List<String> entries = new ArrayList<>();
        indexes.forEach((table, columns) -> entries.add(entry(table, columns)));
        return String.join(",", entries);
    }

    /** One entry: {@code schema.table:col1+col2}. */
    public static String entry(TableName table, List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("replica identity index of " + table + " has no columns");
        }
        StringBuilder s = new StringBuilder(name(table, table.schema())).append('.').append(name(table, table.table()))
                .append(':');
        for (int i = 0; i < columns.size(); i++) {
            s.append(i == 0 ? "" : "+").append(name(table, columns.get(i)));
        }
        return s.toString();
    }

    /**
     * The tables and their index columns, from the setting's entries (as Connect's list type splits them).
     *
     * @throws IllegalArgumentException naming the entry that is not {@code schema.table:col1+col2}
     */
    public static Map<TableName, List<String>> parse(List<String> entries) {
        Map<TableName, List<String>> indexes = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            List<String> tableAndColumns = split(entry, ':');
            int last = tableAndColumns.size() - 1;
            if (last < 1) {
                throw new IllegalArgumentException("replica.identity.index entry '" + entry + "': " + EXPECTED);
            }
            // The last unquoted colon separates: an unquoted table name may hold one, a column name must be quoted.
            String table = String.join(":", tableAndColumns.subList(0, last));
            List<String> columns = new ArrayList<>();
            for (String column : split(tableAndColumns.get(last), '+')) {
                columns.add(unquote(column, entry));
            }
            indexes.put(table(table, entry), List.copyOf(columns));
        }
        return indexes;
    }

    private static TableName table(String text, String entry) {
        List<String> parts = split(text, '.');
        if (parts.size() == 1) {
            return new TableName("public", unquote(parts.get(0), entry));
        }
        // The first unquoted dot separates, as TableName.parse reads it.
        return new TableName(unquote(parts.get(0), entry), unquote(String.join(".", parts.subList(1, parts.size())), entry));
    }

    private static String name(TableName table, String name) {
        if (name.indexOf(',') >= 0) {
            throw new IllegalArgumentException("the replica identity index of " + table + " names \"" + name + "\", which "
                    + "holds a comma: the sink's replica.identity.index list cannot carry it. Rename it, or give the table "
                    + "REPLICA IDENTITY DEFAULT (its primary key) or FULL on the source.");
        }
        boolean plain = !name.isEmpty() && name.equals(name.trim()) && name.chars().noneMatch(c -> ".:+\"".indexOf(c) >= 0);
        return plain ? name : '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Splits at {@code separator} outside double quotes; the parts keep their quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted; // a doubled quote inside a quoted name toggles twice
            } else if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
                continue;
            }
            part.append(c);
        }
        parts.add(part.toString());
        return parts;
    }

    private static String unquote(String part, String entry) {
        String t = part.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("replica.identity.index entry '" + entry + "' has an empty name: " + EXPECTED);
        }
        return t;
    }
}
