package io.citus.warp.sink.apply;

import io.citus.warp.sink.catalog.TargetTable;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The row operations a table's net changes are written with, inside the caller's target transaction.
 * {@link RowWriter} runs them on the target; the netting unit tests run them on an in-memory table.
 */
interface TableWrites {
    void delete(TargetTable table, List<String> keyColumns, List<KeyedDelete> deletes) throws SQLException;

    /** INSERT ... ON CONFLICT DO UPDATE of complete rows. */
    void upsert(TargetTable table, List<EncodedRow> rows) throws SQLException;

    /** UPDATE of the columns each row has, matched on {@code where}; the rows each one touched. */
    int[] update(TargetTable table, List<EncodedRow> rows, List<String> where) throws SQLException;

    /**
     * The text form of {@code columns} of the row whose {@code where} columns equal {@code values}, or null when
     * there is no such row.
     */
    Map<String, String> read(TargetTable table, List<String> where, List<String> values, List<String> columns)
            throws SQLException;
}
