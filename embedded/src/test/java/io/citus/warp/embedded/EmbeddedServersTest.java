package io.citus.warp.embedded;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("integration")
class EmbeddedServersTest {

    @Test
    void postgresIsConfiguredForLogicalReplication() throws Exception {
        try (LocalPostgres pg = LocalPostgres.start();
             Connection c = pg.connect(pg.createDatabase("smoke"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('wal_level'), current_database()")) {
            rs.next();
            assertEquals("logical", rs.getString(1));
            assertEquals("smoke", rs.getString(2));
        }
    }

    @Test
    void connectWorkerServesRestAgainstTheEmbeddedBroker(@TempDir Path dir) throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(dir);
             ConnectWorker worker = ConnectWorker.start(kafka.bootstrapServers(), dir.resolve("plugins"), "smoke", Map.of())) {
            HttpResponse<String> root = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(worker.restUrl() + "")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, root.statusCode());
            assertTrue(root.body().contains("\"kafka_cluster_id\""), root.body());
        }
    }
}
