package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.testing.Citus;
import io.citus.warp.testing.CitusCluster;
import org.junit.jupiter.api.BeforeAll;

/** The write fence's contract on a Citus coordinator (the locally installed PostgreSQL with citus preloaded). */
@Citus
class CitusWriteFenceTest extends WriteFenceContract {
    private static PgEndpoint endpoint;

    @BeforeAll
    static void cluster(CitusCluster citus) {
        endpoint = citus.endpoint();
    }

    @Override
    PgEndpoint server() {
        return endpoint;
    }
}
