package io.citus.warp.e2e;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.testing.BaseCopyScenario;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;

/** Warp's own base copy into PostgreSQL under a TPC-B load, interrupted once; see {@link BaseCopyScenario}. */
@EndToEnd
class BaseCopyTest {
    @Test
    void baseCopyUnderLoadThenStreamingLosesAndRepeatsNothing(TestEnvironment env) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(30, 10_000);
        try (Migration m = new Migration(env, "basecopy")) {
            try (Connection src = m.source(); Connection dst = m.target()) {
                TpcbWorkload.createSchema(src);
                tpcb.load(src);
                TpcbWorkload.createSchema(dst);
            }
            PgEndpoint source = new PgEndpoint(env.source().host(), env.source().port(), m.sourceDatabase(), env.source().user(), "", Map.of());
            PgEndpoint target = new PgEndpoint(env.target().host(), env.target().port(), m.targetDatabase(), env.target().user(), "", Map.of());
            BaseCopyScenario.run(m, tpcb, source, target, "public");
        }
    }
}
