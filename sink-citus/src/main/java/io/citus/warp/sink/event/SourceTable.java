package io.citus.warp.sink.event;

import io.citus.warp.common.TableName;

import java.util.List;

/**
 * A source table's definition as the schema-change capture recorded it.
 *
 * @param persistence     {@code relpersistence}: "p" permanent, "u" unlogged (not written to WAL, so not replicated)
 * @param replicaIdentity {@code relreplident}: "d" default, "f" full, "i" index, "n" nothing
 * @param partitions      the partitions of a partitioned table (null for other tables)
 */
public record SourceTable(String schema, String name, String persistence, String replicaIdentity, List<String> primaryKey,
                          List<String> partitions, List<SourceColumn> columns) {

    public SourceTable {
        primaryKey = List.copyOf(primaryKey);
        partitions = partitions == null ? null : List.copyOf(partitions);
        columns = List.copyOf(columns);
    }

    public TableName id() {
        return new TableName(schema, name);
    }

    /** The column with this attnum, or null. */
    public SourceColumn column(int attnum) {
        for (SourceColumn c : columns) {
            if (c.attnum() == attnum) {
                return c;
            }
        }
        return null;
    }
}
