package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.embedded.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.util.Map;

/** The write fence's contract on plain PostgreSQL (the embedded server of the build's PostgreSQL version). */
@Tag("integration")
class WriteFenceTest extends WriteFenceContract {
    private static LocalPostgres pg;
    private static PgEndpoint endpoint;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start();
        endpoint = new PgEndpoint(pg.host(), pg.port(), pg.createDatabase("fence"), pg.user(), "", Map.of());
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    PgEndpoint server() {
        return endpoint;
    }
}
