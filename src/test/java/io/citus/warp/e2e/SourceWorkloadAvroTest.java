package io.citus.warp.e2e;

import io.citus.warp.connect.ConnectorTemplates.WireFormat;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.BeforeAll;

import java.sql.SQLException;

/**
 * The source-workload suite ({@link SourceWorkloads}) through the Avro wire format: the shipped Avro config pair
 * (connectors/config/*-avro.json), Apicurio's AvroConverter on both sides and a real Apicurio Registry in its own JVM,
 * into a plain PostgreSQL target. Every workload must come out exactly as with JSON ({@link SourceWorkloadTest}).
 */
@EndToEnd
class SourceWorkloadAvroTest extends SourceWorkloads {

    @BeforeAll
    void startMigration(TestEnvironment environment) throws Exception {
        start(environment, "avroworkloads");
    }

    @Override
    protected Migration newMigration(TestEnvironment environment, String label) {
        return new Migration(environment, label).wireFormat(WireFormat.AVRO);
    }

    @Override
    protected void createTarget() throws SQLException {
        m.targetSql("CREATE SCHEMA " + s, TABLES.formatted(s));
    }
}
