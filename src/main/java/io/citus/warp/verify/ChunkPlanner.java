package io.citus.warp.verify;

import java.util.ArrayList;
import java.util.List;

/** Cuts a table's key space into ranges at boundary keys taken from the source (every N-th key in key order). */
public final class ChunkPlanner {
    private ChunkPlanner() {
    }

    /** Ranges {@code (-inf, b1), [b1, b2), ..., [bk, +inf)} for sorted boundaries b1..bk. */
    public static List<KeyRange> ranges(List<List<String>> boundaries) {
        List<KeyRange> ranges = new ArrayList<>(boundaries.size() + 1);
        List<String> lower = null;
        for (List<String> b : boundaries) {
            ranges.add(new KeyRange(lower, b));
            lower = b;
        }
        ranges.add(new KeyRange(lower, null));
        return ranges;
    }

    /** SQL returning every chunkSize-th key (the 1st, (n+1)-th, ... excluding the very first) in key order, as text. */
    public static String boundaryQuery(String table, List<String> keyExpressions, List<String> orderExpressions, int chunkSize) {
        StringBuilder select = new StringBuilder();
        for (int i = 0; i < keyExpressions.size(); i++) {
            select.append(i == 0 ? "" : ", ").append("k").append(i).append("::text");
        }
        StringBuilder inner = new StringBuilder();
        for (int i = 0; i < keyExpressions.size(); i++) {
            inner.append(i == 0 ? "" : ", ").append(keyExpressions.get(i)).append(" AS k").append(i);
        }
        return "SELECT " + select + " FROM (SELECT " + inner + ", row_number() OVER (ORDER BY "
                + String.join(", ", orderExpressions) + ") AS rn FROM " + table + ") x WHERE rn > 1 AND (rn - 1) % "
                + chunkSize + " = 0 ORDER BY rn";
    }
}
