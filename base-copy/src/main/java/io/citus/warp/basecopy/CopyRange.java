package io.citus.warp.basecopy;

import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;

/**
 * One unit of copy work: the rows of a source table between two bounds of its integer primary key
 * ({@link Kind#KEY}) or of its physical blocks ({@link Kind#BLOCKS}, ctid), or the whole table.
 * {@code lower} inclusive, {@code upper} exclusive; a null bound is open, so the first and last ranges of a
 * table cover every row whatever the planner's estimates.
 *
 * @param columns the source's column list, quoted and comma separated (no generated or dropped columns)
 * @param only    read the table's own rows only ({@code FROM ONLY}): a regular table may be the parent of inheritance
 *                children, whose rows are theirs, copied with them (a partitioned table's rows are its partitions')
 */
public record CopyRange(TableName source, TableName target, String columns, int rangeNo, int ranges, Kind kind,
                        String keyColumn, Long lower, Long upper, long estimatedRows, boolean only) {

    /** How a range is delimited. */
    public enum Kind { WHOLE, KEY, BLOCKS }

    /** The source query's FROM target: the table, {@code ONLY} when its children's rows are not its own. */
    String from() {
        return (only ? "ONLY " : "") + source.quoted();
    }

    /** The source query's WHERE clause, or "" for the whole table. The bounds are numbers, never user text. */
    String where() {
        return switch (kind) {
            case WHOLE -> "";
            case KEY -> bounds(Sql.ident(keyColumn), lower == null ? null : lower.toString(), upper == null ? null : upper.toString());
            case BLOCKS -> bounds("ctid", lower == null ? null : "'(" + lower + ",0)'::tid", upper == null ? null : "'(" + upper + ",0)'::tid");
        };
    }

    private static String bounds(String column, String lo, String hi) {
        StringBuilder w = new StringBuilder();
        if (lo != null) {
            w.append(column).append(" >= ").append(lo);
        }
        if (hi != null) {
            w.append(w.length() == 0 ? "" : " AND ").append(column).append(" < ").append(hi);
        }
        return w.length() == 0 ? "" : " WHERE " + w;
    }

    /** For messages and logs: table and range, no row values. */
    public String describe() {
        return source + (ranges > 1 ? " range " + (rangeNo + 1) + "/" + ranges : "");
    }
}
