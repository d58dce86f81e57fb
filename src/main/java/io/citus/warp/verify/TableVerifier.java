package io.citus.warp.verify;

import io.citus.warp.db.MigrationSession;
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
            // Every row, or an error: no timeout cuts a checksum short, no policy hides rows (see MigrationSession).
            MigrationSession.prepare(c);
            // Same text for the same value on both sides.
            Sql.exec(c, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
                    + " SET extra_float_digits = 1; SET bytea_output = 'hex'");
        }
    }

    /** Compares {@code table} on the source with {@code targetTable} (its name on the target, after the sink's mapping). */
    public TableResult verify(TableName table, TableName targetTable) throws SQLException, InterruptedException {
        TableDefinition def = new CatalogReader(source).table(table);
        String shown = table.equals(targetTable) ? table.toString() : table + " -> " + targetTable;
        if (!new CatalogReader(target).exists(targetTable)) {
            return new TableResult(shown, -1, -1, 0, List.of(), "missing on the target");
        }
        String columns = columnSetDifference(def, new CatalogReader(target).table(targetTable));
        if (columns != null) {
            // A schema change the target did not follow: rows cannot be equal (the checksum reads the source's columns).
            return new TableResult(shown, -1, -1, 0, List.of(), columns);
        }
        List<String> pk = def.primaryKeyColumns();
        if (pk.isEmpty()) {
            return new TableResult(shown, -1, -1, 0, List.of(), "no primary key: cannot be chunked");
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
        for (String[] r : Sql.rows(source, ChunkPlanner.boundaryQuery(from(source, table), keys, order, chunkSize))) {
            boundaries.add(List.of(r));
        }
        String rowText = "ROW(" + String.join(", ", def.columns().stream().map(c -> Sql.ident(c.name())).toList()) + ")::text";
        String checksum = "SELECT count(*), coalesce(md5(string_agg(md5(" + rowText + "), '' ORDER BY " + String.join(", ", order)
                + ")), '') FROM ";
        String sourceFrom = from(source, table) + " WHERE ";
        String targetFrom = from(target, targetTable) + " WHERE ";
        long sourceRows = 0;
        long targetRows = 0;
        List<KeyRange> ranges = ChunkPlanner.ranges(boundaries);
        List<RangeDiff> diffs = new ArrayList<>();
        for (KeyRange range : ranges) {
            String condition = range.condition(keys, types);
            String sourceSql = checksum + sourceFrom + condition;
            String targetSql = checksum + targetFrom + condition;
            Object[] s = chunk(source, sourceSql, range);
            Object[] t = chunk(target, targetSql, range);
            for (int i = 0; i < rechecks && !s[1].equals(t[1]); i++) {
                Thread.sleep(recheckDelayMs);
                s = chunk(source, sourceSql, range);
                t = chunk(target, targetSql, range);
            }
            sourceRows += (Long) s[0];
            targetRows += (Long) t[0];
            if (!s[1].equals(t[1])) {
                diffs.add(new RangeDiff(range.toString(), (Long) s[0], (Long) t[0]));
            }
        }
        return new TableResult(shown, sourceRows, targetRows, ranges.size(), diffs, null);
    }

    /** The table's own rows: {@code ONLY} a regular table (an inheritance parent's children are compared as tables of their own). */
    private static String from(Connection c, TableName table) throws SQLException {
        return ("r".equals(Sql.one(c, "SELECT relkind FROM pg_class WHERE oid = ?::regclass", table.quoted())) ? "ONLY " : "")
                + table.quoted();
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
