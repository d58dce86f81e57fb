package io.citus.warp.cli;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

/** {@link SchemaChangeScenario} into a Citus cluster: the tables distributed by tenant, the DDL made through the coordinator. */
@EndToEnd
@Citus
class CitusSchemaChangeEndToEndTest {
    @Test
    void schemaChangesUnderLoadFlowThroughOrStopWithTheirFix(TestEnvironment env, CitusCluster citus) throws Exception {
        try (Migration m = new Migration(env, "ddlcitus", citus)) {
            try {
                new SchemaChangeScenario(env, m, citus).run();
            } finally {
                m.targetSql("DROP SCHEMA IF EXISTS " + m.id() + " CASCADE");
            }
        }
    }
}
