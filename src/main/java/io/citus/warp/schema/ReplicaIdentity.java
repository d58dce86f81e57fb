package io.citus.warp.schema;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Source tables whose REPLICA IDENTITY is USING INDEX, in the sink's {@code replica.identity.index} form
 * ({@code schema.table:col1+col2}): Debezium's old image of their updates and deletes holds that index's
 * columns rather than the primary key, and the sink must match those changes by them.
 */
public final class ReplicaIdentity {
    private ReplicaIdentity() {
    }

    public static String indexColumns(PgEndpoint source, List<TableName> tables) throws SQLException {
        Set<TableName> selected = Set.copyOf(tables);
        List<String> entries = new ArrayList<>();
        try (Connection c = source.connect()) {
            for (String[] r : Sql.rows(c, "SELECT n.nspname, t.relname, string_agg(a.attname, '+' ORDER BY k.ord)"
                    + " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
                    + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
                    + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
                    + " WHERE i.indisreplident AND t.relreplident = 'i' GROUP BY n.nspname, t.relname ORDER BY 1, 2")) {
                if (selected.contains(new TableName(r[0], r[1]))) {
                    entries.add(new TableName(r[0], r[1]).quoted() + ":" + r[2]);
                }
            }
        }
        return String.join(",", entries);
    }
}
