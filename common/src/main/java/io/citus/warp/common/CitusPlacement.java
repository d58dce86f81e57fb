package io.citus.warp.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * How Citus places a table, read from the coordinator's {@code pg_dist_partition}: the one query and the one reading
 * of its columns that the sink's table catalog, {@code warp schema} and {@code warp check} share.
 *
 * @param distributionColumn the distribution column of a {@link Kind#DISTRIBUTED} table, else null
 */
public record CitusPlacement(Kind kind, String distributionColumn) {
    /** What Citus makes of a table. */
    public enum Kind {
        /** Hash-distributed by a distribution column ({@code partmethod 'h'}). */
        DISTRIBUTED,
        /** Replicated to every node ({@code partmethod 'n'}, {@code repmodel 't'}). */
        REFERENCE,
        /** Any other Citus table (a Citus local table on the coordinator, or an append- or range-distributed one). */
        CITUS_LOCAL,
        /** Not a Citus table: a plain PostgreSQL table, or a target without Citus. */
        NOT_CITUS_TABLE
    }

    public static final CitusPlacement NOT_CITUS_TABLE = new CitusPlacement(Kind.NOT_CITUS_TABLE, null);

    private static final String IS_CITUS = "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')";
    /** One bind parameter, the table as {@code regclass} text. Columns: partmethod, repmodel, distribution column. */
    private static final String PLACEMENT = "SELECT p.partmethod, p.repmodel,"
            + " CASE WHEN p.partmethod = 'h' THEN column_to_column_name(p.logicalrelid, p.partkey) END"
            + " FROM pg_dist_partition p WHERE p.logicalrelid = ?::regclass";

    public boolean isDistributed() {
        return kind == Kind.DISTRIBUTED;
    }

    /** Whether the database has the citus extension (a Citus coordinator), else it is plain PostgreSQL. */
    public static boolean citusInstalled(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(IS_CITUS); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The table's placement; only on a database where {@link #citusInstalled} (pg_dist_partition exists there). */
    public static CitusPlacement of(Connection c, TableName table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PLACEMENT)) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? of(rs.getString(1), rs.getString(2), rs.getString(3)) : NOT_CITUS_TABLE;
            }
        }
    }

    /** The placement a {@code pg_dist_partition} row describes. */
    static CitusPlacement of(String partmethod, String repmodel, String distributionColumn) {
        if ("h".equals(partmethod)) {
            return new CitusPlacement(Kind.DISTRIBUTED, distributionColumn);
        }
        if ("n".equals(partmethod) && "t".equals(repmodel)) {
            return new CitusPlacement(Kind.REFERENCE, null);
        }
        return new CitusPlacement(Kind.CITUS_LOCAL, null);
    }
}
