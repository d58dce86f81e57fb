package io.citus.warp.sink.catalog;

import io.citus.warp.common.CitusPlacement;
import io.citus.warp.common.Identifiers;
import io.citus.warp.common.TableName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads target tables from the coordinator's catalog: columns and types, primary key, identity and
 * generated columns, and (when the citus extension is installed) how Citus places the table ({@link CitusPlacement}).
 * Results are cached until {@link #invalidate()}, which the sink calls after a failure so that a user's
 * fix (a column added, a table distributed) is seen on retry.
 */
public final class TableCatalog {
    private static final String COLUMNS = """
            SELECT a.attname,
                   format_type(a.atttypid, a.atttypmod),
                   format_type(coalesce(nullif(t.typbasetype, 0), a.atttypid), CASE WHEN t.typbasetype <> 0 THEN t.typtypmod ELSE a.atttypmod END),
                   bt.typcategory,
                   CASE WHEN bt.typcategory = 'A' THEN format_type(coalesce(nullif(et.typbasetype, 0), bt.typelem), NULL) END,
                   a.attidentity = 'a',
                   a.attgenerated <> '',
                   a.attnotnull,
                   a.attndims
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              JOIN pg_type bt ON bt.oid = coalesce(nullif(t.typbasetype, 0), a.atttypid)
              LEFT JOIN pg_type et ON et.oid = bt.typelem
             WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";
    private static final String PRIMARY_KEY = """
            SELECT a.attname
              FROM pg_index i
              JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE i.indrelid = ?::regclass AND i.indisprimary
             ORDER BY k.ord""";

    private final Map<TableName, TargetTable> cache = new HashMap<>();
    private Boolean citus;

    public void invalidate() {
        cache.clear();
        citus = null;
    }

    /** Whether the target has the citus extension (otherwise it is plain PostgreSQL). */
    public boolean isCitus(Connection connection) throws SQLException {
        if (citus == null) {
            citus = CitusPlacement.citusInstalled(connection);
        }
        return citus;
    }

    /** The target table, or empty when it does not exist. */
    public Optional<TargetTable> find(Connection connection, TableName id) throws SQLException {
        TargetTable cached = cache.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        String regclass = Identifiers.qualified(id);
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?)")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                    return Optional.empty();
                }
            }
        }
        Map<String, TargetColumn> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new TargetColumn(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4).charAt(0), rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8), rs.getInt(9)));
                }
            }
        }
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(PRIMARY_KEY)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    primaryKey.add(rs.getString(1));
                }
            }
        }
        CitusPlacement placement = isCitus(connection) ? CitusPlacement.of(connection, id) : CitusPlacement.NOT_CITUS_TABLE;
        TargetTable table = new TargetTable(id, columns, primaryKey, placement);
        cache.put(id, table);
        return Optional.of(table);
    }
}
