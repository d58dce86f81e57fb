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
 * User-defined types into distributed tables of a real Citus cluster (the types created on the coordinator, which
 * propagates them to the workers), through either initial load and then streaming; see {@link UserTypeScenario}.
 */
@EndToEnd
@Citus
class CitusUserTypesTest {
    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void userDefinedTypesArriveExactlyInDistributedTables(InitialLoad load, TestEnvironment env, CitusCluster citus) throws Exception {
        try (Migration m = new Migration(env, "citusudt", citus)) {
            try {
                UserTypeScenario.run(m, load, citus);
            } finally {
                m.close();
                m.targetSql("DROP SCHEMA IF EXISTS " + m.id() + " CASCADE", "DROP SCHEMA IF EXISTS " + UserTypeScenario.odd(m.id()) + " CASCADE");
            }
        }
    }
}
