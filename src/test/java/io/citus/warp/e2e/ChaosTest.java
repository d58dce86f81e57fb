package io.citus.warp.e2e;

import io.citus.warp.testing.ChaosCampaign;
import io.citus.warp.testing.ChaosCampaign.Fault;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Faults;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import io.citus.warp.testing.TpcbMigration;
import io.citus.warp.workload.TpcbWorkload;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

/**
 * The fault campaign ({@link ChaosCampaign}) against a plain PostgreSQL target: the shared faults plus a crash of
 * the target server. {@code -Dwarp.chaos.rounds=N} repeats every kind N times (default 1).
 */
@EndToEnd
@Tag("chaos")
class ChaosTest {

    @Test
    void noViolationNoLossNoDuplicateThroughEveryFault(TestEnvironment env) throws Exception {
        TpcbWorkload tpcb = new TpcbWorkload(4, 500);
        try (Migration m = new Migration(env, "chaos")) {
            TpcbMigration.start(m, tpcb, Map.of(), Duration.ofSeconds(300));
            m.targetSql(ChaosCampaign.insertCounter("public"));
            new ChaosCampaign(m, tpcb, "public")
                    .commonFaults(env)
                    .fault(Fault.TARGET_CRASH_RESTART, () -> {
                        Faults.crashRestart(env.target());
                        return "";
                    })
                    .run();
        }
    }
}
