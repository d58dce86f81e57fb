package io.citus.warp.e2e;

import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;
import org.junit.jupiter.api.BeforeAll;

/**
 * The schema model into a real Citus cluster (coordinator + 2 workers), each case's tables distributed or made
 * reference tables by {@code warp schema} from the case's plan.
 */
@EndToEnd
@Citus
class CitusSchemaModelTest extends SchemaModelSuite {
    private CitusCluster citus;

    @BeforeAll
    void cluster(CitusCluster cluster) {
        citus = cluster;
    }

    @Override
    protected CitusCluster citus() {
        return citus;
    }

    /** Suite time: on Citus the model's base copy runs inside Connect only (CitusBaseCopyTest covers the process's). */
    @Override
    protected boolean inProcessCopy() {
        return false;
    }

    @Override
    protected String label() {
        return "citusschema";
    }
}
