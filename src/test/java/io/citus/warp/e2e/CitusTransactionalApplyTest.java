package io.citus.warp.e2e;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TPC-B consistency test on a real Citus cluster. Every TPC-B table is distributed by branch id and
 * co-located, so one branch's account, teller and branch rows live on one shard; a reader checks, per
 * branch, sum(abalance) = sum(tbalance) = bbalance with a single-shard (router) query, which Citus runs
 * in one snapshot of one worker. (A multi-shard read is not one snapshot across workers, so a global sum
 * could disagree without any fault of the sink.) Mid-load the sink task is restarted.
 */
@EndToEnd
@Citus
class CitusTransactionalApplyTest {
    private static final Logger LOG = LoggerFactory.getLogger(CitusTransactionalApplyTest.class);
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int BRANCHES = 4;

    @Test
    void perBranchBalancesStayConsistentOnCitusAcrossASinkRestart(TestEnvironment env, CitusCluster citus) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(BRANCHES, 250);
        try (Migration m = new Migration(env, "citustpcb", citus)) {
            String s = TpcbMigration.startDistributed(m, citus, tpcb, WAIT);
            String[] compare = TpcbMigration.TABLES;

            AtomicBoolean stop = new AtomicBoolean();
            List<String> violations = new ArrayList<>();
            long[] samples = {0};
            CompletableFuture<Long> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return tpcb.run(m::openSource, stop::get, 150);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try (Connection dst = m.target(); PreparedStatement ps = dst.prepareStatement(
                        "SELECT (SELECT coalesce(sum(abalance), 0) FROM " + s + ".pgbench_accounts WHERE bid = ?),"
                                + " (SELECT coalesce(sum(tbalance), 0) FROM " + s + ".pgbench_tellers WHERE bid = ?),"
                                + " (SELECT bbalance FROM " + s + ".pgbench_branches WHERE bid = ?)")) {
                    while (!stop.get()) {
                        for (int bid = 1; bid <= BRANCHES; bid++) {
                            ps.setInt(1, bid);
                            ps.setInt(2, bid);
                            ps.setInt(3, bid);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                samples[0]++;
                                if (rs.getLong(1) != rs.getLong(2) || rs.getLong(2) != rs.getLong(3)) {
                                    violations.add("branch " + bid + ": " + rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3));
                                }
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(4000);
            m.restartTask(m.sinkConnector());
            Thread.sleep(4000);
            stop.set(true);
            long transactions = load.get();
            reader.get();
            LOG.info("{} source transactions, {} per-branch samples on Citus", transactions, samples[0]);
            assertTrue(transactions > 300, "the load ran: " + transactions);
            assertTrue(samples[0] > 20, "the reader sampled: " + samples[0]);
            assertEquals(List.of(), violations, "a reader of a Citus shard saw a branch's balances disagree");
            TableDigest.awaitEqualInSchema(m, WAIT, s, compare);
            try (Connection dst = m.target(); PreparedStatement ps = dst.prepareStatement(
                    "SELECT transactions FROM warp.sink_progress WHERE stream = ?")) {
                ps.setString(1, m.sinkConnector());
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(transactions, rs.getLong(1), "each source transaction applied once");
                }
            }
            // Reference tables: every progress write touches every worker, so each group commits with 2PC even when
            // its changes touch one shard (docs/guarantees.md, "On Citus").
            try (Connection dst = m.target(); PreparedStatement ps = dst.prepareStatement(
                    "SELECT count(*) FROM citus_tables WHERE citus_table_type = 'reference'"
                            + " AND table_name IN ('warp.sink_progress'::regclass, 'warp.snapshot_progress'::regclass)")) {
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(2, rs.getLong(1), "the progress tables are Citus reference tables");
                }
            }
            m.close();
            m.targetSql("DROP SCHEMA " + s + " CASCADE");
        }
    }


}
