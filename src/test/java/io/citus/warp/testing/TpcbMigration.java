package io.citus.warp.testing;

import io.citus.warp.workload.TpcbWorkload;

import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A migration of the TPC-B tables: loaded on the source, empty on the target, both connectors running, snapshot applied. */
public final class TpcbMigration {
    /** Each TPC-B table with the key that orders its rows, for {@link TableDigest}. */
    public static final String[] TABLES = {"pgbench_branches", "bid", "pgbench_tellers", "tid", "pgbench_accounts", "aid",
            "pgbench_history", "hid"};

    private TpcbMigration() {
    }

    /**
     * After a TPC-B load ({@code load}: the transactions each thread committed) ran through a migration: the target equals
     * the source row for row (in {@code targetSchema}), the balance sums agree, and the history holds exactly one row
     * per source transaction: nothing lost, nothing applied twice.
     */
    public static void assertLoadArrived(Migration m, List<CompletableFuture<Long>> load, String targetSchema, Duration wait)
            throws Exception {
        long transactions = 0;
        for (CompletableFuture<Long> f : load) {
            transactions += f.get();
        }
        LoggerFactory.getLogger(TpcbMigration.class).info("{} TPC-B transactions in all", transactions);
        if (targetSchema.equals("public")) {
            TableDigest.awaitEqual(m, wait, TABLES);
        } else {
            TableDigest.awaitEqualInSchema(m, wait, targetSchema, TABLES);
        }
        try (Connection dst = m.target(); Statement s = dst.createStatement()) {
            s.execute("SET search_path = " + targetSchema);
            long[] sums = TpcbWorkload.balanceSums(dst);
            assertTrue(TpcbWorkload.consistent(sums), "TPC-B sums agree on the target: " + sums[0] + "/" + sums[1] + "/" + sums[2]);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbench_history")) {
                rs.next();
                assertEquals(transactions, rs.getLong(1), "one history row on the target per source transaction");
            }
        }
    }

    public static void start(Migration m, TpcbWorkload tpcb, Map<String, String> sinkOverrides, Duration wait) throws Exception {
        try (Connection src = m.source(); Connection dst = m.target()) {
            TpcbWorkload.createSchema(src);
            tpcb.load(src);
            TpcbWorkload.createSchema(dst);
        }
        m.deploySource(TpcbWorkload.TABLES);
        m.deploySink(TpcbWorkload.TABLES, sinkOverrides);
        TableDigest.awaitEqual(m, wait, TABLES);
    }

    /**
     * The same into a Citus cluster: the TPC-B tables distributed in a schema named {@link Migration#id()}
     * ({@link #createDistributedTarget}), the sink mapping {@code public} there; returns that schema once the snapshot is applied.
     */
    public static String startDistributed(Migration m, CitusCluster citus, TpcbWorkload tpcb, Duration wait) throws Exception {
        String schema = m.id();
        try (Connection src = m.source()) {
            TpcbWorkload.createSchema(src);
            tpcb.load(src);
        }
        createDistributedTarget(m, citus, schema);
        m.deploySource(TpcbWorkload.TABLES);
        m.deploySink(TpcbWorkload.TABLES, Map.of("schema.mapping", "public=" + schema));
        TableDigest.awaitEqualInSchema(m, wait, schema, TABLES);
        return schema;
    }

    /**
     * The TPC-B tables in {@code schema} of a Citus target, as a user distributes them: co-located by branch, the
     * distribution column added to each primary key (Citus requires it there).
     */
    public static void createDistributedTarget(Migration m, CitusCluster citus, String schema) throws java.sql.SQLException {
        citus.createSchema(schema);
        m.targetSql("""
                CREATE TABLE %1$s.pgbench_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL, filler char(88));
                CREATE TABLE %1$s.pgbench_tellers (tid int, bid int NOT NULL, tbalance bigint NOT NULL, filler char(84), PRIMARY KEY (bid, tid));
                CREATE TABLE %1$s.pgbench_accounts (aid int, bid int NOT NULL, abalance bigint NOT NULL, filler char(84), PRIMARY KEY (bid, aid));
                CREATE TABLE %1$s.pgbench_history (hid bigint, tid int, bid int NOT NULL, aid int, delta int, mtime timestamptz, PRIMARY KEY (bid, hid));
                SELECT create_distributed_table('%1$s.pgbench_branches', 'bid');
                SELECT create_distributed_table('%1$s.pgbench_tellers', 'bid', colocate_with => '%1$s.pgbench_branches');
                SELECT create_distributed_table('%1$s.pgbench_accounts', 'bid', colocate_with => '%1$s.pgbench_branches');
                SELECT create_distributed_table('%1$s.pgbench_history', 'bid', colocate_with => '%1$s.pgbench_branches');
                """.formatted(schema));
    }
}
