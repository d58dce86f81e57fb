package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** 6 MB and 60 MB values into PostgreSQL, through either initial load and then streaming; see {@link LargeValueScenario}. */
@EndToEnd
class LargeValuesTest {
    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void valuesOfTensOfMegabytesArriveWithTheShippedConfigs(InitialLoad load, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "large")) {
            LargeValueScenario.run(m, load, null);
        }
    }
}
