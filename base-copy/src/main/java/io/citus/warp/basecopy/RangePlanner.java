package io.citus.warp.basecopy;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits each table into ranges of about {@code rangeRows} rows, from its shape as {@link SnapshotCatalog} read it in
 * the exported snapshot ({@link #split} is pure: table-driven unit tests in RangePlannerTest). A table with a one-column
 * integer primary key is split by key value (an index range scan per range); any other plain table by block
 * number (a TID range scan, PostgreSQL 14+); a partitioned table, or a small one, is one range.
 */
final class RangePlanner {
    private static final long MIN_BLOCKS_PER_RANGE = 16;
    private static final long MAX_RANGES = 100_000;

    private RangePlanner() {
    }

    static List<CopyRange> plan(Connection snapshot, List<TableCopy> tables, long rangeRows) throws SQLException {
        List<CopyRange> ranges = new ArrayList<>();
        boolean tidRangeScan = SnapshotCatalog.tidRangeScan(snapshot);
        for (TableCopy t : tables) {
            TableShape shape;
            try {
                shape = SnapshotCatalog.read(snapshot, t);
            } catch (SQLException e) {
                // E.g. row-level security refusing the read (row_security = off): say which table, without values.
                throw new IllegalStateException("base copy: planning " + t.source() + " failed" + (e.getSQLState() == null ? ""
                        : " [SQLSTATE " + e.getSQLState() + "]") + ": " + io.citus.warp.common.ValueRedaction.redact(e.getMessage()));
            }
            ranges.addAll(split(shape, rangeRows, tidRangeScan));
        }
        return ranges;
    }

    /** One table's ranges, from what the catalog said of it: no database, the same answer for the same shape. */
    static List<CopyRange> split(TableShape shape, long rangeRows, boolean tidRangeScan) {
        List<CopyRange> ranges = new ArrayList<>();
        TableCopy t = shape.table();
        String columns = shape.columns();
        boolean only = shape.regular();
        long estimate = shape.estimatedRows();
        long blocks = shape.blocks();
        String key = shape.keyColumn();
        if (key != null) {
            if (shape.keyMin() == null) {
                ranges.add(whole(t, columns, 0, only));
                return ranges;
            }
            // BigInteger: max - min of a bigint key can exceed a long.
            BigInteger min = shape.keyMin();
            BigInteger span = shape.keyMax().subtract(min).add(BigInteger.ONE);
            long rows = estimate > 0 ? estimate : span.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
            long n = Math.min(Math.max(1, ceilDiv(rows, rangeRows)), span.min(BigInteger.valueOf(MAX_RANGES)).longValue());
            if (n == 1) {
                ranges.add(whole(t, columns, rows, only));
                return ranges;
            }
            BigInteger width = ceilDiv(span, BigInteger.valueOf(n));
            int count = ceilDiv(span, width).intValueExact();
            for (int i = 0; i < count; i++) {
                Long lo = i == 0 ? null : min.add(width.multiply(BigInteger.valueOf(i))).longValueExact();
                Long hi = i == count - 1 ? null : min.add(width.multiply(BigInteger.valueOf(i + 1))).longValueExact();
                ranges.add(new CopyRange(t.source(), t.target(), columns, i, count, CopyRange.Kind.KEY, key, lo, hi, rows / count, only));
            }
        } else if (shape.regular() && tidRangeScan && estimate > rangeRows && blocks >= 2 * MIN_BLOCKS_PER_RANGE) {
            int n = (int) Math.min(Math.min(ceilDiv(estimate, rangeRows), blocks / MIN_BLOCKS_PER_RANGE), MAX_RANGES);
            long per = ceilDiv(blocks, n);
            n = (int) ceilDiv(blocks, per);
            for (int i = 0; i < n; i++) {
                Long lo = i == 0 ? null : i * per;
                Long hi = i == n - 1 ? null : (i + 1) * per;
                ranges.add(new CopyRange(t.source(), t.target(), columns, i, n, CopyRange.Kind.BLOCKS, null, lo, hi, estimate / n, only));
            }
        } else {
            ranges.add(whole(t, columns, Math.max(estimate, 0), only));
        }
        return ranges;
    }

    private static CopyRange whole(TableCopy t, String columns, long estimate, boolean only) {
        return new CopyRange(t.source(), t.target(), columns, 0, 1, CopyRange.Kind.WHOLE, null, null, null, estimate, only);
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a - 1) / b + 1;
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        return a.add(b).subtract(BigInteger.ONE).divide(b);
    }
}
