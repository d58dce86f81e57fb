package io.citus.warp.e2e;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.ConnectBaseCopyScenario;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

/**
 * The base copy inside Kafka Connect, deployed by REST alone into a real Citus cluster (TPC-B distributed by branch,
 * co-located): see {@link ConnectBaseCopyScenario}. The copy tasks' COPY goes through the coordinator to the shards.
 */
@EndToEnd
@Citus
class CitusBaseCopyConnectorTest {
    @Test
    void restOnlyDeploymentCopiesIntoDistributedTablesThroughAWorkerKill(TestEnvironment env, CitusCluster citus) throws Exception {
        Assumptions.assumeTrue(env.workerInSeparateJvm(), "two workers and a kill need workers in their own JVMs");
        TpcbWorkload tpcb = new TpcbWorkload(20, 10_000);
        try (Migration m = new Migration(env, "cituscopyconnector", citus)) {
            String schema = m.id();
            try (Connection src = m.source()) {
                TpcbWorkload.createSchema(src);
                tpcb.load(src);
            }
            TpcbMigration.createDistributedTarget(m, citus, schema);
            try {
                ConnectBaseCopyScenario.run(env, m, tpcb, schema);
            } finally {
                m.close();
                m.targetSql("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
