package io.citus.warp.basecopy;

import io.citus.warp.db.Sql;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@link RangePlanner} needs of each source table, on a connection that already runs in the exported
 * snapshot (so min and max of the key are those of the copied state).
 */
final class SnapshotCatalog {
    private SnapshotCatalog() {
    }

    /** TID range scans ({@code ctid >= ... AND ctid < ...} without a full scan) exist from PostgreSQL 14. */
    static boolean tidRangeScan(Connection snapshot) throws SQLException {
        return Integer.parseInt(Sql.one(snapshot, "SHOW server_version_num")) >= 140000;
    }

    static TableShape read(Connection snapshot, TableCopy t) throws SQLException {
        String regclass = t.source().quoted();
        List<String[]> rel = Sql.rows(snapshot, "SELECT c.relkind, c.reltuples::bigint, pg_relation_size(c.oid)"
                + " / current_setting('block_size')::bigint FROM pg_class c WHERE c.oid = ?::regclass", regclass);
        if (rel.isEmpty()) {
            throw new IllegalStateException("source table " + t.source() + " does not exist");
        }
        String relkind = rel.get(0)[0];
        long estimate = Long.parseLong(rel.get(0)[1]);
        long blocks = Long.parseLong(rel.get(0)[2]);
        String columns = columns(snapshot, t);
        String key = Sql.one(snapshot, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + " AND a.attnum = i.indkey[0] WHERE i.indrelid = ?::regclass AND i.indisprimary AND i.indnkeyatts = 1"
                + " AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)", regclass);
        BigInteger min = null;
        BigInteger max = null;
        if (key != null) {
            List<String[]> mm = Sql.rows(snapshot, "SELECT min(" + Sql.ident(key) + "), max(" + Sql.ident(key) + ") FROM "
                    + ("r".equals(relkind) ? "ONLY " : "") + regclass);
            if (mm.get(0)[0] != null) {
                min = new BigInteger(mm.get(0)[0]);
                max = new BigInteger(mm.get(0)[1]);
            }
        }
        return new TableShape(t, columns, relkind, estimate, blocks, key, min, max);
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
}
