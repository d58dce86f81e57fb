package io.citus.warp.runtime;

import io.citus.warp.migration.MigrationNames;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.common.TableName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection parameters of the URLs reach both connector configs; secrets only by reference. */
@Tag("unit")
class DeploymentTest {

    @Test
    void urlParametersReachDebeziumAndTheSinkAndKeyPasswordsGoByReference() {
        PgEndpoint source = PgEndpoint.parse("jdbc:postgresql://src:5433/app?user=warp&password=pw1&sslmode=verify-full"
                + "&sslrootcert=/etc/warp%20certs/ca.crt&sslpassword=keypw&tcpKeepAlive=true");
        PgEndpoint target = PgEndpoint.parse("postgres://warp:pw2@coord:5432/app?sslmode=verify-ca&sslrootcert=/etc/warp/ca.crt"
                + "&sslcert=/etc/warp/client.crt&sslkey=/etc/warp/client.pk8&sslpassword=keypw2");
        Deployment d = new Deployment(new MigrationNames("shop"), source, target, List.of(TableName.parse("public.t")),
                "/etc/warp/secrets.properties", "warp", Map.of(), Map.of());

        Map<String, String> src = d.sourceConfig();
        assertEquals("verify-full", src.get("database.sslmode"));
        assertEquals("/etc/warp certs/ca.crt", src.get("database.sslrootcert"));
        assertEquals("true", src.get("database.tcpKeepAlive"));
        assertEquals("${file:/etc/warp/secrets.properties:source.sslpassword}", src.get("database.sslpassword"));
        assertEquals("src", src.get("database.hostname"));
        assertEquals("warp", src.get("database.user"));

        Map<String, String> sink = d.sinkConfig();
        assertEquals("jdbc:postgresql://coord:5432/app?sslmode=verify-ca&sslrootcert=/etc/warp/ca.crt&sslcert=/etc/warp/client.crt"
                + "&sslkey=/etc/warp/client.pk8&sslpassword=${file:/etc/warp/secrets.properties:target.sslpassword}",
                sink.get("connection.url"));

        for (Map<String, String> config : List.of(src, sink)) {
            assertFalse(config.values().stream().anyMatch(v -> v.contains("pw1") || v.contains("pw2") || v.contains("keypw")),
                    "no password in a connector config: " + config);
        }
    }

    @Test
    void withoutParametersTheConnectorsUsePgJdbcsDefaultSslMode() {
        PgEndpoint plain = PgEndpoint.parse("jdbc:postgresql://db/app?user=u");
        Deployment d = new Deployment(new MigrationNames("x"), plain, plain, List.of(TableName.parse("public.t")),
                "/s", "warp", Map.of(), Map.of());
        assertEquals("prefer", d.sourceConfig().get("database.sslmode"));
        assertEquals("jdbc:postgresql://db:5432/app?sslmode=prefer", d.sinkConfig().get("connection.url"));
    }

    /** Debezium's snapshot of an inheritance parent reads ONLY its own rows; odd names quoted, a comma cannot be listed. */
    @Test
    void snapshotOverridesReadOnlyEachParentsOwnRows() {
        Map<String, String> own = Deployment.snapshotOwnRowsOnly(List.of(new TableName("inh", "vehicles"),
                new TableName("Odd $chema", "a.b"), new TableName("s", "a,b")));
        assertEquals("inh.vehicles,\"Odd $chema\".\"a.b\"", own.get(Deployment.SNAPSHOT_OVERRIDES));
        assertEquals("SELECT * FROM ONLY \"inh\".\"vehicles\"", own.get(Deployment.SNAPSHOT_OVERRIDES + ".inh.vehicles"));
        assertEquals("SELECT * FROM ONLY \"Odd $chema\".\"a.b\"", own.get(Deployment.SNAPSHOT_OVERRIDES + ".\"Odd $chema\".\"a.b\""));
        assertEquals(3, own.size(), "the parent whose name holds a comma is left out (warp check refuses it): " + own);
        assertTrue(Deployment.snapshotOwnRowsOnly(List.of()).isEmpty());
    }
}
