package io.citus.warp.basecopy;

import java.math.BigInteger;

/**
 * What the range planner knows of one source table, as read in the exported snapshot by {@link SnapshotCatalog}.
 *
 * @param columns       the stored columns, quoted and comma separated
 * @param relkind       pg_class.relkind: {@code r} a regular table (read with ONLY), {@code p} a partitioned one
 * @param estimatedRows pg_class.reltuples: -1 when never analyzed (PostgreSQL 14+), 0 when analyzed empty
 * @param blocks        the heap's size in blocks
 * @param keyColumn     the one-column integer primary key (int2, int4, int8), or null
 * @param keyMin        the key's smallest value in the snapshot; null without a key or when the table is empty
 * @param keyMax        the key's largest value; null exactly when {@code keyMin} is
 */
record TableShape(TableCopy table, String columns, String relkind, long estimatedRows, long blocks, String keyColumn,
                  BigInteger keyMin, BigInteger keyMax) {

    /** A regular table: its own rows only ({@code FROM ONLY}), and splittable by blocks. */
    boolean regular() {
        return "r".equals(relkind);
    }
}
