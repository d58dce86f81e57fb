package io.citus.warp.sink.event;

/** A schema-qualified table name, unquoted. */
public record TableId(String schema, String table) implements Comparable<TableId> {

    /** Parses {@code schema.table} (no quoting; the first dot separates) or a bare table in {@code public}. */
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        return dot < 0 ? new TableId("public", qualified) : new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    @Override
    public int compareTo(TableId other) {
        int c = schema.compareTo(other.schema);
        return c != 0 ? c : table.compareTo(other.table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
