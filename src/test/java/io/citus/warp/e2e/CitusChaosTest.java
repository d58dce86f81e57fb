package io.citus.warp.e2e;

import io.citus.warp.testing.ChaosCampaign;
import io.citus.warp.testing.ChaosCampaign.Fault;
import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * The fault campaign ({@link ChaosCampaign}) against a Citus cluster, the TPC-B tables distributed by branch: the
 * shared faults plus {@code pg_ctl restart -m immediate} of the coordinator and of a worker node.
 */
@EndToEnd
@Citus
@Tag("chaos")
class CitusChaosTest {

    @Test
    void noViolationNoLossNoDuplicateThroughEveryFaultOnCitus(TestEnvironment env, CitusCluster citus) throws Exception {
        Assumptions.assumeTrue(citus.canRestartNodes(), "the Citus chaos campaign restarts nodes: it needs a cluster started by the tests");
        TpcbWorkload tpcb = new TpcbWorkload(4, 500);
        try (Migration m = new Migration(env, "citchaos", citus)) {
            String s = TpcbMigration.startDistributed(m, citus, tpcb, Duration.ofSeconds(300));
            // Triggers on distributed tables run on the shards: the counter is co-located with the history rows.
            try (var c = m.target(); var st = c.createStatement()) {
                st.execute("SET citus.enable_unsafe_triggers TO on");
                for (String sql : ChaosCampaign.insertCounter(s, "SELECT create_distributed_table('" + s + ".history_inserts', 'bid',"
                        + " colocate_with => '" + s + ".pgbench_history')")) {
                    st.execute(sql);
                }
            }
            new ChaosCampaign(m, tpcb, s)
                    .commonFaults(env)
                    .fault(Fault.COORDINATOR_RESTART, () -> {
                        citus.restartImmediate(0);
                        return "";
                    })
                    .fault(Fault.CITUS_WORKER_RESTART, () -> {
                        citus.restartImmediate(1);
                        return "";
                    })
                    .run();
            m.close();
            m.targetSql("DROP SCHEMA " + s + " CASCADE");
        }
    }
}
