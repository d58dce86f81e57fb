package io.citus.warp.bench;

import io.citus.warp.workload.TpcbWorkload;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's tables: {@code snap_accounts}, a pgbench_accounts-like table that is filled before the
 * source connector starts (the snapshot), and the four TPC-B tables, empty at snapshot time and filled and
 * updated by streaming. Every target database gets the same DDL up front; neither sink creates tables.
 */
public final class BenchSchema {
    public static final String SNAPSHOT_TABLE = "snap_accounts";
    public static final String SNAPSHOT_DDL =
            "CREATE TABLE snap_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance bigint NOT NULL, filler char(84))";
    public static final String TABLES = "public." + SNAPSHOT_TABLE + "," + TpcbWorkload.TABLES;

    private BenchSchema() {
    }

    public static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(SNAPSHOT_DDL);
        }
        TpcbWorkload.createSchema(c);
    }

    /** Distributes the tables on a Citus coordinator (see BenchEnvironment#createTargetDatabase). */
    public static void distribute(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT create_distributed_table('snap_accounts', 'aid')");
            s.execute("SELECT create_reference_table('pgbench_branches')");
            s.execute("SELECT create_reference_table('pgbench_tellers')");
            s.execute("SELECT create_distributed_table('pgbench_accounts', 'aid')");
            s.execute("SELECT create_distributed_table('pgbench_history', 'hid')");
        }
    }

    /** Fills the snapshot table as pgbench -i fills pgbench_accounts (100,000 accounts per branch, blank filler). */
    public static void loadSnapshotTable(Connection c, int rows) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO snap_accounts SELECT g, 1 + (g - 1) / 100000, 0, '' FROM generate_series(1, " + rows + ") g");
            s.execute("VACUUM ANALYZE snap_accounts");
        }
    }
}
