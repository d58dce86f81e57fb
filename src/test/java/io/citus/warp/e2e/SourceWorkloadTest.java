package io.citus.warp.e2e;

import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeAll;

import java.sql.SQLException;

/**
 * The source-workload suite ({@link SourceWorkloads}) into a plain PostgreSQL target with the source's
 * table definitions, through the shipped connector configs on the real Connect worker.
 */
@EndToEnd
class SourceWorkloadTest extends SourceWorkloads {

    @BeforeAll
    void startMigration(TestEnvironment environment) throws Exception {
        start(environment, "workloads");
    }

    @Override
    protected Migration newMigration(TestEnvironment environment, String label) {
        return new Migration(environment, label);
    }

    @Override
    protected void createTarget() throws SQLException {
        m.targetSql("CREATE SCHEMA " + s, TABLES.formatted(s));
    }
}
