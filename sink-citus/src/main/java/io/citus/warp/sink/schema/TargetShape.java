package io.citus.warp.sink.schema;

import io.citus.warp.common.TableName;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target table's definition in the terms the schema-change capture records the source's: types as {@code format_type}
 * writes them with {@code search_path = pg_catalog}, defaults as {@code pg_get_expr} does, so that equal definitions
 * compare equal as text.
 *
 * @param primaryKeyName     the primary key constraint's name, or null
 * @param distributionColumn the Citus distribution column, or null
 */
public record TargetShape(TableName table, Map<String, Column> columns, String primaryKeyName, List<String> primaryKey,
                          String distributionColumn) {

    public TargetShape {
        columns = new LinkedHashMap<>(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** A target column. */
    public record Column(String name, String type, String collation, boolean notNull, String defaultExpr, String generated,
                         String identity) {
    }

    public Column column(String name) {
        return columns.get(name);
    }
}
