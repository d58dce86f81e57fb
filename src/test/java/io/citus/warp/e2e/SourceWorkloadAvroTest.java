package io.citus.warp.e2e;

import io.citus.warp.connect.ConnectorTemplates.WireFormat;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;

/**
 * The source-workload suite ({@link SourceWorkloads}) through the Avro wire format: the shipped Avro config pair
 * (connectors/config/*-avro.json), ExactAvroConverter on both sides and a real Apicurio Registry in its own JVM, into a
 * plain PostgreSQL target. Every workload must come out exactly as with JSON ({@link SourceWorkloadTest}).
 */
class SourceWorkloadAvroTest extends SourceWorkloadTest {

    @Override
    protected Migration newMigration(TestEnvironment environment, String label) {
        return super.newMigration(environment, label).wireFormat(WireFormat.AVRO);
    }
}
