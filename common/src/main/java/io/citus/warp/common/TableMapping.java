package io.citus.warp.common;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which target table receives a source table's changes: the same schema and name by default,
 * changed per schema ({@code schema.mapping=public=app}) or per table
 * ({@code table.mapping=public.orders=sales.orders}). Table entries win over schema entries.
 * The sink maps source to target; {@code warp status} maps the target names the sink records back to the source.
 */
public final class TableMapping {
    private final Map<String, String> schemas = new HashMap<>();
    private final Map<TableName, TableName> tables = new HashMap<>();
    private final Map<String, String> sourceSchemas = new HashMap<>();
    private final Map<TableName, TableName> sourceTables = new HashMap<>();

    public TableMapping(List<String> schemaMapping, List<String> tableMapping) {
        for (String entry : schemaMapping) {
            String[] pair = split(entry, SinkConfigKeys.SCHEMA_MAPPING);
            String from = TableName.unquote(pair[0]);
            String to = TableName.unquote(pair[1]);
            schemas.put(from, to);
            sourceSchemas.putIfAbsent(to, from);
        }
        for (String entry : tableMapping) {
            String[] pair = split(entry, SinkConfigKeys.TABLE_MAPPING);
            TableName from = TableName.parse(pair[0]);
            TableName to = TableName.parse(pair[1]);
            tables.put(from, to);
            sourceTables.putIfAbsent(to, from);
        }
    }

    /** No mapping: every table keeps its name. */
    public static TableMapping identity() {
        return new TableMapping(List.of(), List.of());
    }

    /** The mapping of a sink config's {@code schema.mapping} and {@code table.mapping} (comma-separated lists). */
    public static TableMapping of(Map<String, String> sinkConfig) {
        return new TableMapping(list(sinkConfig.get(SinkConfigKeys.SCHEMA_MAPPING)), list(sinkConfig.get(SinkConfigKeys.TABLE_MAPPING)));
    }

    private static List<String> list(String value) {
        return TableName.splitList(value);
    }

    /** Splits {@code from=to} at the '=' outside double quotes; used by config validation too. */
    public static String[] split(String entry, String setting) {
        List<String> pair = TableName.split(entry, '=');
        if (pair.size() != 2 || pair.get(0).isBlank() || pair.get(1).isBlank()) {
            throw new IllegalArgumentException(setting + " entry '" + entry + "' must have the form from=to");
        }
        return new String[] {pair.get(0).trim(), pair.get(1).trim()};
    }

    public TableName target(TableName source) {
        TableName mapped = tables.get(source);
        if (mapped != null) {
            return mapped;
        }
        return new TableName(schemas.getOrDefault(source.schema(), source.schema()), source.table());
    }

    /** The source table whose changes go to {@code target} (the inverse of {@link #target}). */
    public TableName source(TableName target) {
        TableName mapped = sourceTables.get(target);
        if (mapped != null) {
            return mapped;
        }
        return new TableName(sourceSchemas.getOrDefault(target.schema(), target.schema()), target.table());
    }
}
