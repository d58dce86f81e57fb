package io.citus.warp.basecopy;

import io.citus.warp.db.Sql;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits each table into ranges of about {@code rangeRows} rows, on a source connection that already runs in
 * the exported snapshot (so min/max of the key are those of the copied state). A table with a one-column
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
        boolean tidRangeScan = Integer.parseInt(Sql.one(snapshot, "SHOW server_version_num")) >= 140000;
        for (TableCopy t : tables) {
            try {
                plan(snapshot, t, rangeRows, tidRangeScan, ranges);
            } catch (SQLException e) {
                // E.g. row-level security refusing the read (row_security = off): say which table, without values.
                throw new IllegalStateException("base copy: planning " + t.source() + " failed" + (e.getSQLState() == null ? ""
                        : " [SQLSTATE " + e.getSQLState() + "]") + ": " + io.citus.warp.common.ValueRedaction.redact(e.getMessage()));
            }
        }
        return ranges;
    }

    private static void plan(Connection snapshot, TableCopy t, long rangeRows, boolean tidRangeScan, List<CopyRange> ranges)
            throws SQLException {
        String regclass = t.source().quoted();
        List<String[]> rel = Sql.rows(snapshot, "SELECT c.relkind, c.reltuples::bigint, pg_relation_size(c.oid)"
                + " / current_setting('block_size')::bigint FROM pg_class c WHERE c.oid = ?::regclass", regclass);
        if (rel.isEmpty()) {
            throw new IllegalStateException("source table " + t.source() + " does not exist");
        }
        String relkind = rel.get(0)[0];
        boolean only = "r".equals(relkind);
        long estimate = Long.parseLong(rel.get(0)[1]);
        long blocks = Long.parseLong(rel.get(0)[2]);
        String columns = columns(snapshot, t);
        String key = Sql.one(snapshot, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = i.indkey[0] WHERE i.indrelid = ?::regclass AND i.indisprimary AND i.indnkeyatts = 1"
                + " AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)", regclass);
        if (key != null) {
            List<String[]> mm = Sql.rows(snapshot, "SELECT min(" + Sql.ident(key) + "), max(" + Sql.ident(key) + ") FROM "
                    + (only ? "ONLY " : "") + regclass);
            if (mm.get(0)[0] == null) {
                ranges.add(whole(t, columns, 0, only));
                return;
            }
            // BigInteger: max - min of a bigint key can exceed a long.
            BigInteger min = new BigInteger(mm.get(0)[0]);
            BigInteger span = new BigInteger(mm.get(0)[1]).subtract(min).add(BigInteger.ONE);
            long rows = estimate > 0 ? estimate : span.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
            long n = Math.min(Math.max(1, ceilDiv(rows, rangeRows)), span.min(BigInteger.valueOf(MAX_RANGES)).longValue());
            if (n == 1) {
                ranges.add(whole(t, columns, rows, only));
                return;
            }
            BigInteger width = ceilDiv(span, BigInteger.valueOf(n));
            int count = ceilDiv(span, width).intValueExact();
            for (int i = 0; i < count; i++) {
                Long lo = i == 0 ? null : min.add(width.multiply(BigInteger.valueOf(i))).longValueExact();
                Long hi = i == count - 1 ? null : min.add(width.multiply(BigInteger.valueOf(i + 1))).longValueExact();
                ranges.add(new CopyRange(t.source(), t.target(), columns, i, count, CopyRange.Kind.KEY, key, lo, hi, rows / count, only));
            }
        } else if ("r".equals(relkind) && tidRangeScan && estimate > rangeRows && blocks >= 2 * MIN_BLOCKS_PER_RANGE) {
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
    }

    private static CopyRange whole(TableCopy t, String columns, long estimate, boolean only) {
        return new CopyRange(t.source(), t.target(), columns, 0, 1, CopyRange.Kind.WHOLE, null, null, null, estimate, only);
    }

    /** The source's stored columns in order: not dropped, not generated (the target computes those itself). */
    private static String columns(Connection c, TableCopy t) throws SQLException {
        List<String> names = new ArrayList<>();
        for (String[] r : Sql.rows(c, "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                + " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum", t.source().quoted())) {
            names.add(Sql.ident(r[0]));
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("source table " + t.source() + " has no columns to copy");
        }
        return String.join(", ", names);
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a - 1) / b + 1;
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        return a.add(b).subtract(BigInteger.ONE).divide(b);
    }
}
