package io.citus.warp.e2e;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.testing.BaseCopyScenario;
import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;

/**
 * Warp's own base copy into a real Citus cluster (tables distributed by branch, co-located) under a TPC-B load,
 * interrupted once; see {@link BaseCopyScenario}. The COPY goes through the coordinator, which routes rows to shards.
 */
@EndToEnd
@Citus
class CitusBaseCopyTest {
    @Test
    void baseCopyIntoDistributedTablesUnderLoad(TestEnvironment env, CitusCluster citus) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(30, 10_000);
        try (Migration m = new Migration(env, "citusbasecopy", citus)) {
            String s = m.id();
            try (Connection src = m.source()) {
                TpcbWorkload.createSchema(src);
                tpcb.load(src);
            }
            TpcbMigration.createDistributedTarget(m, citus, s);
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            try {
                BaseCopyScenario.run(m, tpcb, source, citus.endpoint(), s);
            } finally {
                m.close();
                m.targetSql("DROP SCHEMA " + s + " CASCADE");
            }
        }
    }
}
