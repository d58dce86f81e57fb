package io.citus.warp.e2e;

import io.citus.warp.testing.ConnectBaseCopyScenario;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

/**
 * The base copy inside Kafka Connect, deployed by REST alone into plain PostgreSQL: see {@link ConnectBaseCopyScenario}
 * (two workers, a TPC-B load throughout, the worker holding the copy's snapshot killed mid-copy).
 */
@EndToEnd
class BaseCopyConnectorTest {
    @Test
    void restOnlyDeploymentCopiesUnderLoadThroughAWorkerKill(TestEnvironment env) throws Exception {
        Assumptions.assumeTrue(env.workerInSeparateJvm(), "two workers and a kill need workers in their own JVMs");
        TpcbWorkload tpcb = new TpcbWorkload(20, 10_000);
        try (Migration m = new Migration(env, "copyconnector")) {
            try (Connection src = m.source(); Connection dst = m.target()) {
                TpcbWorkload.createSchema(src);
                tpcb.load(src);
                TpcbWorkload.createSchema(dst);
            }
            ConnectBaseCopyScenario.run(env, m, tpcb, "public");
        }
    }
}
