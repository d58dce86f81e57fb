package io.citus.warp.sink.target;

import io.citus.warp.sink.event.TableId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which target table receives a source table's changes: the same schema and name by default,
 * changed per schema ({@code schema.mapping=public=app}) or per table
 * ({@code table.mapping=public.orders=sales.orders}). Table entries win over schema entries.
 */
public final class TableMapping {
    private final Map<String, String> schemas = new HashMap<>();
    private final Map<TableId, TableId> tables = new HashMap<>();

    public TableMapping(List<String> schemaMapping, List<String> tableMapping) {
        for (String entry : schemaMapping) {
            String[] pair = split(entry, "schema.mapping");
            schemas.put(pair[0], pair[1]);
        }
        for (String entry : tableMapping) {
            String[] pair = split(entry, "table.mapping");
            tables.put(TableId.parse(pair[0]), TableId.parse(pair[1]));
        }
    }

    /** Splits {@code from=to}; used by config validation too. */
    public static String[] split(String entry, String setting) {
        int eq = entry.indexOf('=');
        if (eq <= 0 || eq == entry.length() - 1) {
            throw new IllegalArgumentException(setting + " entry '" + entry + "' must have the form from=to");
        }
        return new String[] {entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()};
    }

    public TableId target(TableId source) {
        TableId mapped = tables.get(source);
        if (mapped != null) {
            return mapped;
        }
        return new TableId(schemas.getOrDefault(source.schema(), source.schema()), source.table());
    }
}
