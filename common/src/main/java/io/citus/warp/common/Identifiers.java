package io.citus.warp.common;

/** Quoting of SQL identifiers: every name the sink and the CLI write into shared SQL goes through here. */
public final class Identifiers {
    private Identifiers() {
    }

    /** {@code "name"} with embedded quotes doubled; safe for any name, keywords and mixed case included. */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("empty SQL identifier");
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("SQL identifier contains a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."table"}. */
    public static String qualified(TableName table) {
        return quote(table.schema()) + "." + quote(table.table());
    }
}
