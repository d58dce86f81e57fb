package io.citus.warp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citus.warp.db.Sql;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Eventually;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.citus.warp.cli.WarpRun.args;
import static io.citus.warp.cli.WarpRun.warp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migration whose connectors an operator owns, as on Strimzi: {@code warp start --print-strimzi DIR} runs the base copy and
 * writes the KafkaConnector resources instead of deploying; the test plays the operator (it PUTs each resource's config the
 * way the operator derives it: spec.config plus spec.class and spec.tasksMax) as soon as the files exist, the migration
 * catches up, and {@code warp finish --strimzi} refuses while the connectors exist and finishes once they are gone.
 */
@EndToEnd
class StrimziFlowEndToEndTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What the operator PUTs for a KafkaConnector (AbstractConnectOperator: the config plus the spec's own fields). */
    private static Map<String, String> operatorPut(JsonNode resource) {
        Map<String, String> config = new LinkedHashMap<>();
        resource.path("spec").path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        config.put("connector.class", resource.path("spec").path("class").asText());
        config.put("tasks.max", resource.path("spec").path("tasksMax").asText());
        return config;
    }

    @Test
    void printStrimziWritesTheConnectorsTheOperatorThenRunsAndFinishWaitsForTheirRemoval(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "strimzi")) {
            m.sourceSql("CREATE TABLE t (id int PRIMARY KEY, v text)", "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 500) g");
            assertEquals(Warp.OK, warp(args(env, m, "schema", "--tables", "public.t")).code());
            String name = m.id().replace('_', '-');
            String source = "warp-" + name + "-source";
            String sink = "warp-" + name + "-sink";
            Path dir = env.workDir().resolve("strimzi-" + name);

            // No --connect-url: Strimzi's NetworkPolicy closes the REST API; warp only writes the resources.
            List<String> start = new ArrayList<>(List.of(args(env, m, "start", "--tables", "public.t", "--print-strimzi", dir.toString(),
                    "--strimzi-cluster", "my-connect")));
            int at = start.indexOf("--connect-url");
            start.remove(at);
            start.remove(at);
            WarpRun started = warp(start.toArray(String[]::new));
            assertEquals(Warp.OK, started.code(), started.out() + started.err());
            assertTrue(started.out().contains("kubectl apply -f " + dir.resolve(source + ".yaml")), started.out());
            assertFalse(env.connect().exists(source) || env.connect().exists(sink), "warp deployed nothing itself");

            for (String connector : List.of(source, sink)) {
                JsonNode resource = YAML.readTree(dir.resolve(connector + ".yaml").toFile());
                assertEquals("my-connect", resource.path("metadata").path("labels").path("strimzi.io/cluster").asText());
                assertFalse(resource.path("spec").path("config").has("connector.class"), "the operator would drop it");
                env.connect().putConnectorConfig(connector, operatorPut(resource));
            }
            JsonNode sourceConfig = env.connect().connectorConfig(source);
            assertEquals("no_data", sourceConfig.path("snapshot.mode").asText(), "the base copy's setting, kept by the resource");
            assertEquals("warp_" + m.id(), env.connect().connectorConfig(sink).path("base.copy.slot").asText());

            m.sourceSql("INSERT INTO t VALUES (501, 'live')");
            Eventually.await(Duration.ofSeconds(180), "copied rows and the live row applied", () -> {
                try (Connection t = m.target()) {
                    return "501".equals(Sql.one(t, "SELECT count(*) FROM t")) && "live".equals(Sql.one(t, "SELECT v FROM t WHERE id = 501"));
                }
            });
            Eventually.await(Duration.ofSeconds(120), "status CAUGHT UP",
                    () -> warp(args(env, m, "status", "--tables", "public.t")).code() == Warp.OK);

            WarpRun refused = warp(args(env, m, "finish", "--tables", "public.t", "--strimzi"));
            assertEquals(Warp.FINDINGS, refused.code(), refused.out() + refused.err());
            assertTrue(refused.out().contains("kubectl annotate kafkaconnector " + source + " " + sink + " strimzi.io/connector-offsets=reset"),
                    refused.out());
            assertTrue(env.connect().exists(source) && env.connect().exists(sink), "finish --strimzi deletes no connector itself");

            // The operator, once the resources are stopped, reset and deleted.
            for (String connector : List.of(source, sink)) {
                env.connect().stop(connector);
                Eventually.await(Duration.ofSeconds(60), connector + " stopped",
                        () -> "STOPPED".equals(env.connect().status(connector).path("connector").path("state").asText()));
                env.connect().resetOffsets(connector);
                env.connect().delete(connector);
            }
            WarpRun finished = warp(args(env, m, "finish", "--tables", "public.t", "--strimzi", "--delete-topics"));
            assertEquals(Warp.OK, finished.code(), finished.out() + finished.err());
            assertTrue(finished.out().contains("dropped replication slot warp_" + m.id()), finished.out());
            assertTrue(Files.exists(dir.resolve(sink + ".yaml")));
        }
    }
}
