package io.citus.warp.sink.catalog;

import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.TableName;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table on the target as the sink writes it.
 *
 * @param primaryKey the target's primary-key columns (the ON CONFLICT target)
 * @param placement  how Citus places it ({@link CitusPlacement#NOT_CITUS_TABLE} on plain PostgreSQL)
 */
public record TargetTable(TableName id, Map<String, TargetColumn> columns, List<String> primaryKey,
                          CitusPlacement placement) {

    public TargetTable {
        columns = new LinkedHashMap<>(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    public TargetColumn column(String name) {
        return columns.get(name);
    }

    public boolean isDistributed() {
        return placement.isDistributed();
    }

    /** The Citus distribution column, or null. */
    public String distributionColumn() {
        return placement.distributionColumn();
    }

    /** True when {@code column} may appear in an UPDATE's SET list (Citus refuses the distribution column there). */
    public boolean updatable(String column) {
        TargetColumn c = columns.get(column);
        return c != null && !c.generated() && !primaryKey.contains(column) && !column.equals(distributionColumn());
    }

    public boolean hasIdentityAlways() {
        return columns.values().stream().anyMatch(TargetColumn::identityAlways);
    }
}
