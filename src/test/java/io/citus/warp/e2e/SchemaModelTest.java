package io.citus.warp.e2e;

import io.citus.warp.testing.CitusCluster;
import io.citus.warp.testing.EndToEnd;

/** The schema model into a plain PostgreSQL target (a fresh database per migration). */
@EndToEnd
class SchemaModelTest extends SchemaModelSuite {
    @Override
    protected CitusCluster citus() {
        return null;
    }

    @Override
    protected String label() {
        return "schema";
    }
}
