package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** User-defined types into PostgreSQL, through either initial load and then streaming; see {@link UserTypeScenario}. */
@EndToEnd
class UserTypesTest {
    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void userDefinedTypesArriveExactly(InitialLoad load, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "udt")) {
            UserTypeScenario.run(m, load, null);
        }
    }
}
