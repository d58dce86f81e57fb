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
 * {@link SchemaValuesTest} into distributed tables of a real Citus cluster (types created on the coordinator, which
 * propagates them to the workers; values of tens of MB routed to a worker; the collated table distributed by its
 * {@code COLLATE "C"} key). Each migration keeps its tables in a schema of its own in the shared target database.
 */
@EndToEnd
@Citus
class CitusSchemaValuesTest {
    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void userDefinedTypesArriveExactly(InitialLoad load, TestEnvironment env, CitusCluster citus) throws Exception {
        run(new Migration(env, "citusudt", citus), m -> UserTypeScenario.run(m, load, citus));
    }

    /**
     * Through Debezium's snapshot only: the sink writes it with {@code COPY} through the coordinator, as the base copy
     * does (whose large values {@link SchemaValuesTest} carries), and streams after it; one path fewer keeps the suite short.
     */
    @ParameterizedTest
    @EnumSource(value = InitialLoad.class, names = "DEBEZIUM_SNAPSHOT")
    void valuesOfTensOfMegabytesArrive(InitialLoad load, TestEnvironment env, CitusCluster citus) throws Exception {
        run(new Migration(env, "cituslarge", citus), m -> LargeValueScenario.run(m, load, citus));
    }

    @ParameterizedTest
    @EnumSource(InitialLoad.class)
    void wideAndCollatedTablesArriveExactly(InitialLoad load, TestEnvironment env, CitusCluster citus) throws Exception {
        run(new Migration(env, "cituswide", citus), m -> WideAndCollatedScenario.run(m, load, citus));
    }

    private interface Scenario {
        void run(Migration m) throws Exception;
    }

    /** Runs the scenario, then removes the connectors and the migration's schemas from the shared Citus database. */
    private static void run(Migration migration, Scenario scenario) throws Exception {
        try (Migration m = migration) {
            try {
                scenario.run(m);
            } finally {
                m.close();
                m.targetSql("DROP SCHEMA IF EXISTS " + m.id() + " CASCADE",
                        "DROP SCHEMA IF EXISTS " + UserTypeScenario.odd(m.id()) + " CASCADE");
            }
        }
    }
}
