package io.citus.warp.sink.schema;

import io.citus.warp.sink.catalog.TargetTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a target table's {@link TargetShape} inside the open transaction (so it sees DDL made earlier in it), with
 * {@code search_path} set to {@code pg_catalog} for the reading only, as the source's capture reads its catalog.
 */
public final class TargetShapeReader {
    private static final String COLUMNS = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                        THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), nullif(a.attgenerated::text, ''), nullif(a.attidentity::text, '')
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_collation co ON co.oid = a.attcollation
              LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";
    private static final String PRIMARY_KEY = """
            SELECT con.conname, a.attname
              FROM pg_constraint con
              CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             WHERE con.conrelid = ?::oid AND con.contype = 'p'
             ORDER BY k.ord""";

    private TargetShapeReader() {
    }

    public static TargetShape read(Connection c, TargetTable table) throws SQLException {
        long oid;
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::regclass::oid")) {
            ps.setString(1, table.id().quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                oid = rs.getLong(1);
            }
        }
        String searchPath = one(c, "SELECT current_setting('search_path')");
        one(c, "SELECT set_config('search_path', 'pg_catalog, pg_temp', true)");
        try {
            Map<String, TargetShape.Column> columns = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
                ps.setLong(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.put(rs.getString(1), new TargetShape.Column(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBoolean(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            String primaryKeyName = null;
            List<String> primaryKey = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
                ps.setLong(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        primaryKeyName = rs.getString(1);
                        primaryKey.add(rs.getString(2));
                    }
                }
            }
            return new TargetShape(table.id(), columns, primaryKeyName, primaryKey, table.distributionColumn());
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, true)")) {
                ps.setString(1, searchPath);
                ps.execute();
            }
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
