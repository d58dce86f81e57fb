package io.citus.warp.common;

import java.util.ArrayList;
import java.util.List;

/**
 * A schema-qualified table name, unquoted: as the user writes it ({@code --tables}, {@code table.mapping}), as
 * Debezium's {@code table.include.list} and the sink's {@code snapshot_progress} rows name it ({@code schema.table}).
 */
public record TableName(String schema, String table) implements Comparable<TableName> {

    /**
     * Parses {@code schema.table} or a bare table (in {@code public}); the first dot separates, and either part may
     * be double-quoted ({@code "My Schema".orders}), quotes doubled inside.
     */
    public static TableName parse(String text) {
        String t = text.trim();
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new TableName("public", unquote(t));
        }
        return new TableName(unquote(t.substring(0, dot)), unquote(t.substring(dot + 1)));
    }

    /**
     * The exact inverse of {@link #toString()} for names the sink stored ({@code snapshot_progress.table_name}): the
     * first dot separates, nothing is unquoted.
     */
    public static TableName ofStored(String stored) {
        int dot = stored.indexOf('.');
        return dot < 0 ? new TableName("public", stored) : new TableName(stored.substring(0, dot), stored.substring(dot + 1));
    }

    /** A comma-separated list; blanks ignored. */
    public static List<TableName> parseList(String text) {
        List<TableName> tables = new ArrayList<>();
        if (text == null) {
            return tables;
        }
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                tables.add(parse(part));
            }
        }
        return tables;
    }

    private static String unquote(String s) {
        String t = s.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            return t.substring(1, t.length() - 1).replace("\"\"", "\"");
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
