package io.citus.warp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.db.Sql;
import io.citus.warp.embedded.LocalPostgres;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A source and a target that accept TLS connections only (pg_hba {@code hostssl}, a certificate signed by a CA
 * the test makes): {@code warp start} with {@code sslmode=verify-full&sslrootcert=...} in the URLs must hand the
 * same settings to Debezium and to the sink, which then connect verified, and the data must flow. With the root
 * certificate of another CA the connectors must refuse to connect, which proves they verify what they are given.
 */
@EndToEnd
class TlsConnectionsTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void startCarriesVerifyFullToBothConnectorsOnTlsOnlyServers(TestEnvironment env) throws Exception {
        Path dir = Files.createDirectories(env.workDir().resolve("tls-" + System.nanoTime()));
        Path ca = certificateAuthority(dir, "warp-test-ca");
        Path otherCa = certificateAuthority(dir, "other-ca");
        Map<String, String> tls = serverSettings(dir, "warp-test-ca");
        try (LocalPostgres source = LocalPostgres.start(tls); LocalPostgres target = LocalPostgres.start(tls)) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection(source.jdbcUrl("postgres") + "?sslmode=disable", "postgres", "").close());
            assertTrue(refused.getMessage().contains("no pg_hba.conf entry"), "plain connections are refused: " + refused.getMessage());
            source.createDatabase("shop");
            target.createDatabase("shop");
            String table = "CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL)";
            try (Connection s = source.connect("shop"); Connection t = target.connect("shop")) {
                Sql.exec(s, table);
                Sql.exec(s, "INSERT INTO item SELECT g, 'item ' || g FROM generate_series(1, 200) g");
                Sql.exec(t, table);
            }
            String verify = "?user=postgres&sslmode=verify-full&sslrootcert=" + ca;
            String name = "tls-" + Long.toHexString(System.nanoTime() & 0xffffff);
            List<String> args = new ArrayList<>(List.of("start",
                    "--source", source.jdbcUrl("shop") + verify, "--target", target.jdbcUrl("shop") + verify,
                    "--tables", "public.item", "--name", name,
                    "--connect-url", env.connect().baseUrl().toString(), "--bootstrap-servers", env.bootstrapServers(),
                    "--secrets-file", env.secretsFile().toString()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
            assertEquals(Warp.OK, code, out + "\n" + err);
            String sourceConnector = "warp-" + name + "-source";
            String sinkConnector = "warp-" + name + "-sink";
            try {
                JsonNode sourceConfig = env.connect().connectorConfig(sourceConnector);
                assertEquals("verify-full", sourceConfig.path("database.sslmode").asText());
                assertEquals(ca.toString(), sourceConfig.path("database.sslrootcert").asText());
                String url = env.connect().connectorConfig(sinkConnector).path("connection.url").asText();
                assertTrue(url.contains("sslmode=verify-full") && url.contains("sslrootcert=" + ca), url);

                try (Connection s = source.connect("shop")) {
                    Sql.exec(s, "UPDATE item SET name = name || ' (changed)' WHERE id % 10 = 0");
                    Sql.exec(s, "INSERT INTO item VALUES (201, 'streamed')");
                }
                Eventually.await(WAIT, "target equal to the TLS-only source", () -> {
                    failIfFailed(env, sourceConnector);
                    failIfFailed(env, sinkConnector);
                    try (Connection s = source.connect("shop"); Connection t = target.connect("shop")) {
                        return TableDigest.digest(s, "item", "id").equals(TableDigest.digest(t, "item", "id"));
                    }
                });
                try (Connection s = source.connect("shop")) {
                    assertEquals("true", Sql.one(s, "SELECT bool_and(ssl)::text FROM pg_stat_replication r JOIN pg_stat_ssl USING (pid)"),
                            "Debezium's replication connection uses TLS");
                }

                // The same configs with another CA's root certificate: both connectors must refuse the servers.
                Map<String, String> wrongSource = configWith(env.connect().connectorConfig(sourceConnector), "database.sslrootcert", otherCa.toString());
                assertFalse(errors(env, wrongSource).isEmpty(), "Debezium refuses a server whose certificate it cannot verify");
                Map<String, String> wrongSink = configWith(env.connect().connectorConfig(sinkConnector), "connection.url",
                        url.replace(ca.toString(), otherCa.toString()));
                List<String> sinkErrors = errors(env, wrongSink);
                assertFalse(sinkErrors.isEmpty(), "the sink refuses a server whose certificate it cannot verify");
            } finally {
                env.connect().delete(sinkConnector);
                env.connect().delete(sourceConnector);
                Eventually.await(Duration.ofSeconds(60), "replication slot released", () -> {
                    try (Connection s = source.connect("shop")) {
                        Sql.exec(s, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active");
                        return "0".equals(Sql.one(s, "SELECT count(*) FROM pg_replication_slots"));
                    }
                });
            }
        }
    }

    private static void failIfFailed(TestEnvironment env, String connector) {
        JsonNode status = env.connect().status(connector);
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new AssertionError(connector + " FAILED: " + task.path("trace").asText());
            }
        }
    }

    private static Map<String, String> configWith(JsonNode config, String key, String value) {
        Map<String, String> map = new HashMap<>();
        config.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        map.put(key, value);
        return map;
    }

    private static List<String> errors(TestEnvironment env, Map<String, String> config) {
        JsonNode result = env.connect().validate(config.get("connector.class"), config);
        List<String> errors = new ArrayList<>();
        for (JsonNode c : result.path("configs")) {
            c.path("value").path("errors").forEach(e -> errors.add(c.path("value").path("name").asText() + ": " + e.asText()));
        }
        return errors;
    }

    /** A self-signed CA: {@code <name>.crt} and its key. */
    private static Path certificateAuthority(Path dir, String name) throws Exception {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", name + ".key", "-out", name + ".crt");
        return dir.resolve(name + ".crt");
    }

    /** ssl=on with a certificate for 127.0.0.1 signed by the CA, and a pg_hba that admits TLS connections only. */
    private static Map<String, String> serverSettings(Path dir, String caName) throws Exception {
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", caName + ".crt", "-CAkey", caName + ".key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "server.crt");
        Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        Path hba = dir.resolve("pg_hba.conf");
        Files.writeString(hba, "hostssl all all 127.0.0.1/32 trust\nhostssl replication all 127.0.0.1/32 trust\n");
        return Map.of("ssl", "on", "ssl_cert_file", dir.resolve("server.crt").toString(),
                "ssl_key_file", dir.resolve("server.key").toString(), "hba_file", hba.toString());
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl " + String.join(" ", args) + ": " + output);
    }
}
