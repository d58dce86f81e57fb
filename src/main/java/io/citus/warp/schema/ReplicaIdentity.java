package io.citus.warp.schema;

import io.citus.warp.common.ReplicaIdentityIndexes;
import io.citus.warp.common.TableName;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Source tables whose REPLICA IDENTITY is USING INDEX, in the sink's {@code replica.identity.index} form
 * ({@link ReplicaIdentityIndexes}): Debezium's old image of their updates and deletes holds that index's
 * columns rather than the primary key, and the sink must match those changes by them.
 */
public final class ReplicaIdentity {
    private ReplicaIdentity() {
    }

    public static String indexColumns(PgEndpoint source, List<TableName> tables) throws SQLException {
        Set<TableName> selected = Set.copyOf(tables);
        Map<TableName, List<String>> indexes = new LinkedHashMap<>();
        try (Connection c = source.connect()) {
            for (String[] r : Sql.rows(c, "SELECT n.nspname, t.relname, a.attname"
                    + " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                    + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                    + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
                    + " WHERE i.indisreplident AND t.relreplident = 'i' ORDER BY 1, 2, k.ord")) {
                TableName table = new TableName(r[0], r[1]);
                if (selected.contains(table)) {
                    indexes.computeIfAbsent(table, t -> new ArrayList<>()).add(r[2]);
                }
            }
        }
        return ReplicaIdentityIndexes.format(indexes);
    }
}
