package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.InitialLoad;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a schema's values and types do on their way into PostgreSQL, each through Warp's base copy and through
 * Debezium's snapshot, then while streaming, with the shipped configs: user-defined types ({@link UserTypeScenario}),
 * values of 6 MB and 40 MB ({@link LargeValueScenario}), 1,600 columns and non-default collations
 * ({@link WideAndCollatedScenario}). {@link CitusSchemaValuesTest} runs the same into Citus.
 */
@EndToEnd
class SchemaValuesTest {
    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void userDefinedTypesArriveExactly(InitialLoad load, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "udt")) {
            UserTypeScenario.run(m, load, null);
        }
    }

    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void valuesOfTensOfMegabytesArrive(InitialLoad load, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "large")) {
            LargeValueScenario.run(m, load, null);
        }
    }

    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void wideAndCollatedTablesArriveExactly(InitialLoad load, TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "wide")) {
            WideAndCollatedScenario.run(m, load, null);
        }
    }
}
