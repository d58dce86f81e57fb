package io.citus.warp.verify;

import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;
import io.citus.warp.schema.CatalogReader;
import io.citus.warp.schema.TableDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares one table on source and target, chunk by chunk: per key range, the row count and an md5 over
 * the rows' text in key order (the source's columns, in the source's order). A differing chunk is checked
 * again a few times before it is reported, so changes still in flight do not count as differences.
 */
public final class TableVerifier {
    /** A key range whose rows differ. */
    public record RangeDiff(String range, long sourceRows, long targetRows) {
    }

    public record TableResult(String table, long sourceRows, long targetRows, int chunks, List<RangeDiff> differences,
                              String error) {
        public boolean equal() {
            return error == null && differences.isEmpty();
        }
    }

    private final Connection source;
    private final Connection target;
    private final int chunkSize;
    private final int rechecks;
    private final long recheckDelayMs;

    public TableVerifier(Connection source, Connection target, int chunkSize, int rechecks, long recheckDelayMs) throws SQLException {
        this.source = source;
        this.target = target;
        this.chunkSize = chunkSize;
        this.rechecks = rechecks;
        this.recheckDelayMs = recheckDelayMs;
        for (Connection c : List.of(source, target)) {
            // Same text for the same value on both sides.
            Sql.exec(c, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                    + " SET extra_float_digits = 1; SET bytea_output = 'hex'");
        }
    }

    public TableResult verify(TableName table) throws SQLException, InterruptedException {
        TableDefinition def = new CatalogReader(source).table(table);
        if (!new CatalogReader(target).exists(table)) {
            return new TableResult(table.toString(), -1, -1, 0, List.of(), "missing on the target");
        }
        String columns = columnSetDifference(def, new CatalogReader(target).table(table));
        if (columns != null) {
            // A schema change the target did not follow: rows cannot be equal (the checksum reads the source's columns).
            return new TableResult(table.toString(), -1, -1, 0, List.of(), columns);
        }
        List<String> pk = def.primaryKeyColumns();
        if (pk.isEmpty()) {
            return new TableResult(table.toString(), -1, -1, 0, List.of(), "no primary key: cannot be chunked");
        }
        List<String> keys = new ArrayList<>();
        List<String> order = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String col : pk) {
            String type = def.column(col).type();
            boolean collatable = "t".equals(Sql.one(source, "SELECT typcollation <> 0 FROM pg_type WHERE oid = ?::regtype", type));
            String expr = Sql.ident(col) + (collatable ? " COLLATE \"C\"" : "");
            keys.add(expr);
            order.add(expr);
            types.add(type);
        }
        List<List<String>> boundaries = new ArrayList<>();
        for (String[] r : Sql.rows(source, ChunkPlanner.boundaryQuery(table.quoted(), keys, order, chunkSize))) {
            boundaries.add(List.of(r));
        }
        String rowText = "ROW(" + String.join(", ", def.columns().stream().map(c -> Sql.ident(c.name())).toList()) + ")::text";
        String checksum = "SELECT count(*), coalesce(md5(string_agg(md5(" + rowText + "), '' ORDER BY " + String.join(", ", order)
                + ")), '') FROM " + table.quoted() + " WHERE ";
        long sourceRows = 0;
        long targetRows = 0;
        List<KeyRange> ranges = ChunkPlanner.ranges(boundaries);
        List<RangeDiff> diffs = new ArrayList<>();
        for (KeyRange range : ranges) {
            String sql = checksum + range.condition(keys, types);
            Object[] s = chunk(source, sql, range);
            Object[] t = chunk(target, sql, range);
            for (int i = 0; i < rechecks && !s[1].equals(t[1]); i++) {
                Thread.sleep(recheckDelayMs);
                s = chunk(source, sql, range);
                t = chunk(target, sql, range);
            }
            sourceRows += (Long) s[0];
            targetRows += (Long) t[0];
            if (!s[1].equals(t[1])) {
                diffs.add(new RangeDiff(range.toString(), (Long) s[0], (Long) t[0]));
            }
        }
        return new TableResult(table.toString(), sourceRows, targetRows, ranges.size(), diffs, null);
    }

    /** The columns only one side has, or null when both have the same columns. */
    static String columnSetDifference(TableDefinition source, TableDefinition target) {
        java.util.Set<String> onlySource = new java.util.TreeSet<>(source.columns().stream().map(TableDefinition.Column::name).toList());
        java.util.Set<String> onlyTarget = new java.util.TreeSet<>(target.columns().stream().map(TableDefinition.Column::name).toList());
        java.util.Set<String> common = new java.util.TreeSet<>(onlySource);
        common.retainAll(onlyTarget);
        onlySource.removeAll(common);
        onlyTarget.removeAll(common);
        if (onlySource.isEmpty() && onlyTarget.isEmpty()) {
            return null;
        }
        return "columns differ (a schema change the target did not follow):"
                + (onlySource.isEmpty() ? "" : " only on the source " + onlySource)
                + (onlyTarget.isEmpty() ? "" : " only on the target " + onlyTarget);
    }

    private static Object[] chunk(Connection c, String sql, KeyRange range) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            List<String> params = range.parameters();
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Object[] {rs.getLong(1), rs.getString(2)};
            }
        }
    }
}
