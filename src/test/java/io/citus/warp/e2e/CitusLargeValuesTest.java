package io.citus.warp.e2e;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 6 MB and 60 MB values into a distributed table of a real Citus cluster (through the coordinator to the workers),
 * through either initial load and then streaming; see {@link LargeValueScenario}.
 */
@EndToEnd
@Citus
class CitusLargeValuesTest {
    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void valuesOfTensOfMegabytesArriveInADistributedTable(InitialLoad load, TestEnvironment env, CitusCluster citus) throws Exception {
        try (Migration m = new Migration(env, "cituslarge", citus)) {
            try {
                LargeValueScenario.run(m, load, citus);
            } finally {
                m.close();
                m.targetSql("DROP SCHEMA IF EXISTS " + m.id() + " CASCADE");
            }
        }
    }
}
