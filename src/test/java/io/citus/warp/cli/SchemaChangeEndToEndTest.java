package io.citus.warp.cli;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

/** {@link SchemaChangeScenario} into a plain PostgreSQL target. */
@EndToEnd
class SchemaChangeEndToEndTest {
    @Test
    void schemaChangesUnderLoadFlowThroughOrStopWithTheirFix(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "ddl")) {
            new SchemaChangeScenario(env, m, null).run();
        }
    }
}
