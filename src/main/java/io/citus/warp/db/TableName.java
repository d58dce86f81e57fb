package io.citus.warp.db;

import java.util.ArrayList;
import java.util.List;

/** A schema-qualified table name as the user writes it ({@code schema.table}, {@code public} when omitted). */
public record TableName(String schema, String table) implements Comparable<TableName> {

    public static TableName parse(String text) {
        String t = text.trim();
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new TableName("public", unquote(t));
        }
        return new TableName(unquote(t.substring(0, dot)), unquote(t.substring(dot + 1)));
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
        return Sql.ident(schema) + "." + Sql.ident(table);
    }

    /** schema.table, as Debezium's table.include.list and the sink's progress rows name it. */
    @Override
    public String toString() {
        return schema + "." + table;
    }

    @Override
    public int compareTo(TableName o) {
        return toString().compareTo(o.toString());
    }
}
