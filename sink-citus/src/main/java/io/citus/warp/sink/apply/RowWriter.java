package io.citus.warp.sink.apply;

import io.citus.warp.common.TableName;
import io.citus.warp.sink.catalog.TargetTable;
import io.citus.warp.sink.value.CopyText;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executes row changes on the target inside the caller's transaction: batched upserts, updates and
 * deletes with bind parameters, TRUNCATE, and COPY for bulk loads. Batches are per statement shape
 * (table, operation, column set); callers decide the order.
 */
final class RowWriter implements TableWrites {
    private static final Logger LOG = LoggerFactory.getLogger(RowWriter.class);
    private static final int COPY_CHUNK_CHARS = 1 << 20;

    private final Connection connection;
    private final StatementCache statements;
    private final Set<TableName> allShardDeletesLogged;

    RowWriter(Connection connection, StatementCache statements, Set<TableName> allShardDeletesLogged) {
        this.connection = connection;
        this.statements = statements;
        this.allShardDeletesLogged = allShardDeletesLogged;
    }

    /** INSERT ... ON CONFLICT DO UPDATE for complete rows. */
    @Override
    public void upsert(TargetTable table, List<EncodedRow> rows) throws SQLException {
        for (Map.Entry<List<String>, List<EncodedRow>> shape : byColumns(rows).entrySet()) {
            List<String> columns = shape.getKey();
            PreparedStatement ps = statements.get(SqlText.upsert(table, columns));
            for (EncodedRow row : shape.getValue()) {
                int i = 1;
                for (String column : columns) {
                    bind(ps, i++, row.value(column));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * UPDATE of the columns each row has (a partial row leaves unchanged-TOAST columns alone), matched on
     * {@code where}. Returns the rows each update touched, in the order of {@code rows}.
     */
    @Override
    public int[] update(TargetTable table, List<EncodedRow> rows, List<String> where) throws SQLException {
        int[] counts = new int[rows.size()];
        Map<List<String>, List<Integer>> bySet = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            List<String> set = new ArrayList<>();
            for (String column : rows.get(r).columns()) {
                if (table.updatable(column) && !where.contains(column)) {
                    set.add(column);
                }
            }
            bySet.computeIfAbsent(set, k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<List<String>, List<Integer>> shape : bySet.entrySet()) {
            List<String> set = shape.getKey();
            if (set.isEmpty()) {
                // Nothing to set (only key and distribution columns): whether the row is there under these values
                // is what the caller needs (a row that moved to another distribution value is not).
                for (int r : shape.getValue()) {
                    EncodedRow row = rows.get(r);
                    counts[r] = read(table, where, where.stream().map(row::value).toList(), List.of(where.get(0))) == null ? 0 : 1;
                }
                continue;
            }
            PreparedStatement ps = statements.get(SqlText.update(table, set, where));
            for (int r : shape.getValue()) {
                EncodedRow row = rows.get(r);
                int i = 1;
                for (String column : set) {
                    bind(ps, i++, row.value(column));
                }
                for (String column : where) {
                    bind(ps, i++, row.value(column));
                }
                ps.addBatch();
            }
            int[] result = ps.executeBatch();
            for (int k = 0; k < result.length; k++) {
                counts[shape.getValue().get(k)] = result[k];
            }
        }
        return counts;
    }

    /**
     * Deletes rows by their source key. Where the distribution column is not part of the key, a delete
     * with a routing hint first goes to that one shard; rows not found there (the hint was a placeholder)
     * and rows without a hint are deleted by key alone, which Citus sends to every shard.
     */
    @Override
    public void delete(TargetTable table, List<String> keyColumns, List<KeyedDelete> deletes) throws SQLException {
        String dist = table.distributionColumn();
        boolean routable = table.isDistributed() && dist != null && !keyColumns.contains(dist);
        List<KeyedDelete> byKeyOnly = new ArrayList<>();
        if (routable) {
            List<KeyedDelete> routed = new ArrayList<>();
            for (KeyedDelete d : deletes) {
                (d.routing() != null ? routed : byKeyOnly).add(d);
            }
            if (!routed.isEmpty()) {
                List<String> where = new ArrayList<>(keyColumns);
                where.add(dist);
                PreparedStatement ps = statements.get(SqlText.delete(table, where));
                for (KeyedDelete d : routed) {
                    int i = bindAll(ps, 1, d.key());
                    bind(ps, i, d.routing());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] == 0) {
                        byKeyOnly.add(routed.get(k));
                    }
                }
            }
            if (!byKeyOnly.isEmpty() && allShardDeletesLogged.add(table.id())) {
                LOG.info("deletes on {} are matched by primary key on all shards: the source's before-image does not carry "
                        + "the distribution column {} (REPLICA IDENTITY DEFAULT). Set REPLICA IDENTITY FULL on the source "
                        + "table to route each delete to one shard.", table.id(), dist);
            }
        } else {
            byKeyOnly = deletes;
        }
        if (byKeyOnly.isEmpty()) {
            return;
        }
        PreparedStatement ps = statements.get(SqlText.delete(table, keyColumns));
        for (KeyedDelete d : byKeyOnly) {
            bindAll(ps, 1, d.key());
            ps.addBatch();
        }
        ps.executeBatch();
    }

    @Override
    public Map<String, String> read(TargetTable table, List<String> where, List<String> values, List<String> columns)
            throws SQLException {
        PreparedStatement ps = statements.get(SqlText.selectText(table, columns, where));
        bindAll(ps, 1, values);
        try (java.sql.ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i), rs.getString(i + 1));
            }
            return row;
        }
    }

    /** UPDATE of {@code set} to the given values on the rows whose {@code where} columns have the given values. */
    int updateWhere(TargetTable table, List<String> set, List<String> setValues, List<String> where, List<String> whereValues)
            throws SQLException {
        PreparedStatement ps = statements.get(SqlText.update(table, set, where));
        int i = bindAll(ps, 1, setValues);
        bindAll(ps, i, whereValues);
        return ps.executeUpdate();
    }

    /** DELETE of the rows whose {@code where} columns have the given values. */
    int deleteWhere(TargetTable table, List<String> where, List<String> whereValues) throws SQLException {
        PreparedStatement ps = statements.get(SqlText.delete(table, where));
        bindAll(ps, 1, whereValues);
        return ps.executeUpdate();
    }

    /** A plain INSERT (tables without primary key: nothing to conflict on). */
    void insert(TargetTable table, EncodedRow row) throws SQLException {
        List<String> columns = row.columns();
        PreparedStatement ps = statements.get(SqlText.insert(table, columns));
        bindAll(ps, 1, columns.stream().map(row::value).toList());
        ps.executeUpdate();
    }

    /**
     * Updates (after != null) or deletes one row whose every column equals {@code old}, compared as text
     * of the column's type, so types without an equality operator (json, point, xml) work too.
     */
    int changeOneByImage(TargetTable table, EncodedRow old, EncodedRow after) throws SQLException {
        List<String> set = after == null ? List.of() : after.columns().stream().filter(c -> !table.column(c).generated()).toList();
        List<String> match = old.columns();
        PreparedStatement ps = statements.get(SqlText.changeOneByImage(table, set, match));
        int i = 1;
        for (String column : set) {
            bind(ps, i++, after.value(column));
        }
        for (String column : match) {
            bind(ps, i++, old.value(column));
        }
        return ps.executeUpdate();
    }

    void truncate(List<TargetTable> tables) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(SqlText.truncate(tables));
        }
    }

    /** COPY ... FROM STDIN of complete rows that all have {@code columns}. */
    long copy(TargetTable table, List<String> columns, List<EncodedRow> rows) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(SqlText.copy(table, columns));
        try {
            StringBuilder buffer = new StringBuilder(Math.min(COPY_CHUNK_CHARS * 2, 64 + rows.size() * 64));
            for (EncodedRow row : rows) {
                boolean first = true;
                for (String column : columns) {
                    if (!first) {
                        buffer.append('\t');
                    }
                    first = false;
                    CopyText.appendField(buffer, row.value(column));
                }
                buffer.append('\n');
                if (buffer.length() >= COPY_CHUNK_CHARS) {
                    write(copy, buffer);
                }
            }
            write(copy, buffer);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static void write(CopyIn copy, StringBuilder buffer) throws SQLException {
        if (buffer.length() > 0) {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }
    }

    private static Map<List<String>, List<EncodedRow>> byColumns(List<EncodedRow> rows) {
        Map<List<String>, List<EncodedRow>> shapes = new LinkedHashMap<>();
        for (EncodedRow row : rows) {
            shapes.computeIfAbsent(row.columns(), k -> new ArrayList<>()).add(row);
        }
        return shapes;
    }

    private static int bindAll(PreparedStatement ps, int first, List<String> values) throws SQLException {
        int i = first;
        for (String v : values) {
            bind(ps, i++, v);
        }
        return i;
    }

    /** Values go as text of unspecified type (stringtype=unspecified): the server parses them as the column's type. */
    private static void bind(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.OTHER);
        } else {
            ps.setString(index, value);
        }
    }

    static Set<TableName> newLogOnceSet() {
        return new HashSet<>();
    }
}
