package io.citus.warp.common;

import java.util.ArrayList;
import java.util.List;

/**
 * A schema-qualified table name, unquoted: as the user writes it ({@code --tables}, {@code table.mapping}), as
 * Debezium's {@code table.include.list} and the sink's {@code snapshot_progress} rows name it ({@code schema.table}).
 */
public record TableName(String schema, String table) implements Comparable<TableName> {

    /**
     * Parses {@code schema.table} or a bare table (in {@code public}). Either part may be double-quoted, quotes doubled
     * inside ({@code "My Schema"."a.b"}): a dot or comma inside quotes belongs to the name. An unquoted part is taken
     * as written (no case folding), so {@code Orders} and {@code "Orders"} name the same table.
     */
    public static TableName parse(String text) {
        List<String> parts = split(text.trim(), '.');
        if (parts.size() == 1) {
            return new TableName("public", unquote(parts.get(0)));
        }
        if (parts.size() != 2) {
            throw new IllegalArgumentException("not a table name (schema.table, quote a part that holds a dot): " + text);
        }
        return new TableName(unquote(parts.get(0)), unquote(parts.get(1)));
    }

    /**
     * The exact inverse of {@link #toString()} for names the sink stored ({@code snapshot_progress.table_name}): the
     * first dot separates, nothing is unquoted.
     */
    public static TableName ofStored(String stored) {
        int dot = stored.indexOf('.');
        return dot < 0 ? new TableName("public", stored) : new TableName(stored.substring(0, dot), stored.substring(dot + 1));
    }

    /** A comma-separated list of {@link #parse} names (a comma inside quotes belongs to a name); blanks ignored. */
    public static List<TableName> parseList(String text) {
        List<TableName> tables = new ArrayList<>();
        for (String part : splitList(text)) {
            tables.add(parse(part));
        }
        return tables;
    }

    /** The non-blank items of a comma-separated list, trimmed, split only at commas outside double quotes. */
    public static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        if (text == null) {
            return items;
        }
        for (String part : split(text, ',')) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return items;
    }

    /** {@code text} split at each {@code separator} outside double quotes (a doubled quote stays inside). */
    public static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced double quote in: " + text);
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** One name part: its text without the double quotes around it (doubled quotes undone), else as written. */
    static String unquote(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty name part in a table name");
        }
        return t;
    }

    /** The quoted SQL identifier, {@code "schema"."table"}. */
    public String quoted() {
        return Identifiers.qualified(this);
    }

    /** schema.table, as Debezium's table.include.list and the sink's progress rows name it. */
    @Override
    public String toString() {
        return schema + "." + table;
    }

    @Override
    public int compareTo(TableName other) {
        int c = schema.compareTo(other.schema);
        return c != 0 ? c : table.compareTo(other.table);
    }
}
