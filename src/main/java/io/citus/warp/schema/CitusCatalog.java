package io.citus.warp.schema;

import io.citus.warp.db.Sql;
import io.citus.warp.common.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Citus distribution metadata of the target (pg_dist_partition), when the target is a Citus coordinator. */
public final class CitusCatalog {
    public enum Kind { DISTRIBUTED, REFERENCE, CITUS_LOCAL, NOT_CITUS_TABLE }

    public record Placement(Kind kind, String distributionColumn) {
    }

    private final Connection c;
    private final boolean citus;

    public CitusCatalog(Connection c) throws SQLException {
        this.c = c;
        this.citus = Sql.one(c, "SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL").equals("t");
    }

    public boolean isCitus() {
        return citus;
    }

    public Placement placement(TableName t) throws SQLException {
        if (!citus) {
            return new Placement(Kind.NOT_CITUS_TABLE, null);
        }
        List<String[]> rows = Sql.rows(c, "SELECT p.partmethod, p.repmodel,"
                + " CASE WHEN p.partmethod = 'h' THEN column_to_column_name(p.logicalrelid, p.partkey) END"
                + " FROM pg_dist_partition p WHERE p.logicalrelid = ?::regclass", t.quoted());
        if (rows.isEmpty()) {
            return new Placement(Kind.NOT_CITUS_TABLE, null);
        }
        String[] r = rows.get(0);
        if ("h".equals(r[0])) {
            return new Placement(Kind.DISTRIBUTED, r[2]);
        }
        if ("n".equals(r[0]) && "t".equals(r[1])) {
            return new Placement(Kind.REFERENCE, null);
        }
        return new Placement(Kind.CITUS_LOCAL, null);
    }
}
