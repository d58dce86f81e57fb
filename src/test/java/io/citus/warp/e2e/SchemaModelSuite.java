package io.citus.warp.e2e;

import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.SchemaCase;
import io.citus.warp.testing.SchemaModel;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schema model ({@link SchemaModel}) over every case: each accepted case migrated through the base copy and
 * through Debezium's snapshot, then streamed, and found EQUAL; each refused case refused by {@code warp check}.
 * Subclasses choose the target: plain PostgreSQL ({@link SchemaModelTest}) or Citus ({@link CitusSchemaModelTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchemaModelSuite {

    /** Every case of the model. A new feature: add a case to one of these lists (or a list of its own here). */
    static List<SchemaCase> cases() {
        List<SchemaCase> all = new ArrayList<>();
        all.addAll(SchemaModelCases.copyAndPlan());
        return all;
    }

    /** The target cluster, or null for a plain PostgreSQL target. */
    protected abstract CitusCluster citus();

    protected abstract String label();

    @Test
    void refusedByCheckBeforeAnythingStarts(TestEnvironment env) throws Exception {
        SchemaModel model = new SchemaModel(env, citus());
        List<SchemaCase> cases = cases();
        try (Migration m = model.prepare(label() + "refused", cases)) {
            List<String> failures = model.refusals(m, cases);
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    /**
     * Whether this target also runs the model through the base copy in the warp process (it always runs it through the
     * same copy inside Connect): the copy's engine is the same, and what differs in the process (its slot, its queue of
     * ranges, its start-over) does not depend on the target.
     */
    protected boolean inProcessCopy() {
        return true;
    }

    @Test
    void baseCopyThenStreaming(TestEnvironment env) throws Exception {
        Assumptions.assumeTrue(inProcessCopy(), "this target runs the model's base copy inside Connect only"
                + " (copyConnectorThenStreaming); the copy in the warp process runs it on plain PostgreSQL");
        migrate(env, SchemaModel.InitialLoad.BASE_COPY, "copy");
    }

    /** The same copy run inside Connect: the tables resolved from Debezium's include list, the ranges claimed by tasks. */
    @Test
    void copyConnectorThenStreaming(TestEnvironment env) throws Exception {
        migrate(env, SchemaModel.InitialLoad.CONNECTOR, "conn");
    }

    @Test
    void debeziumSnapshotThenStreaming(TestEnvironment env) throws Exception {
        migrate(env, SchemaModel.InitialLoad.DEBEZIUM, "dbz");
    }

    private void migrate(TestEnvironment env, SchemaModel.InitialLoad load, String path) throws Exception {
        SchemaModel model = new SchemaModel(env, citus());
        List<SchemaCase> cases = cases();
        try (Migration m = model.prepare(label() + path, cases)) {
            try {
                List<String> failures = model.migrate(m, load, cases);
                assertTrue(failures.isEmpty(), String.join("\n", failures));
            } finally {
                model.dropTargetSchemas(m, cases);
            }
        }
    }
}
