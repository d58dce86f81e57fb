package io.citus.warp.e2e;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.testing.BaseCopyScenario;
import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
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
            citus.createSchema(s);
            m.targetSql("""
                    CREATE TABLE %1$s.pgbench_branches (bid int PRIMARY KEY, bbalance bigint NOT NULL, filler char(88));
                    CREATE TABLE %1$s.pgbench_tellers (tid int, bid int NOT NULL, tbalance bigint NOT NULL, filler char(84), PRIMARY KEY (bid, tid));
                    CREATE TABLE %1$s.pgbench_accounts (aid int, bid int NOT NULL, abalance bigint NOT NULL, filler char(84), PRIMARY KEY (bid, aid));
                    CREATE TABLE %1$s.pgbench_history (hid bigint, tid int, bid int NOT NULL, aid int, delta int, mtime timestamptz, PRIMARY KEY (bid, hid));
                    SELECT create_distributed_table('%1$s.pgbench_branches', 'bid');
                    SELECT create_distributed_table('%1$s.pgbench_tellers', 'bid', colocate_with => '%1$s.pgbench_branches');
                    SELECT create_distributed_table('%1$s.pgbench_accounts', 'bid', colocate_with => '%1$s.pgbench_branches');
                    SELECT create_distributed_table('%1$s.pgbench_history', 'bid', colocate_with => '%1$s.pgbench_branches');
                    """.formatted(s));
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
