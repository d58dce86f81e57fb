package io.citus.warp.e2e;

import io.citus.warp.embedded.ConnectWorkerProcess;
import io.citus.warp.testing.EndToEnd;
import io.citus.warp.testing.Migration;
import io.citus.warp.testing.TableDigest;
import io.citus.warp.testing.TestEnvironment;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped configs on a Connect worker as users run it: its own JVM, Kafka's runtime jars only on the class
 * path, the plugin archives unpacked on plugin.path and found through their ServiceLoader manifests. Both
 * connectors use ExactJsonConverter from our plugin, which extends Kafka's JsonConverter: with connect-json
 * and Jackson taken from the worker's class path this failed at the source's first record with a LinkageError.
 */
@EndToEnd
class ShippedConfigsOnConnectClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void theWorkerIsItsOwnJvmWithKafkasJarsOnly(TestEnvironment env) throws Exception {
        Assumptions.assumeTrue(env.workerInSeparateJvm(), "the worker runs inside the test JVM (-Dwarp.test.connect=in-process)");
        RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(env.workerJmx(),
                ManagementFactory.RUNTIME_MXBEAN_NAME, RuntimeMXBean.class);
        assertNotEquals(ProcessHandle.current().pid(), runtime.getPid());
        Path kafkaLibs = ConnectWorkerProcess.kafkaLibs();
        List<String> classPath = Arrays.asList(runtime.getClassPath().split(File.pathSeparator));
        assertFalse(classPath.isEmpty());
        assertEquals(1, classPath.stream().filter(e -> Files.isDirectory(Paths.get(e))).count(), "one directory: the launcher");
        for (String entry : classPath) {
            Path jar = Paths.get(entry);
            if (Files.isDirectory(jar)) {
                // The one exception: the launcher that removes Jetty's racing shutdown hook (ConnectWorkerMain), its class only.
                try (var files = Files.walk(jar)) {
                    assertEquals(List.of("ConnectWorkerMain.class"), files.filter(Files::isRegularFile)
                            .map(f -> f.getFileName().toString()).toList(), "the launcher directory holds its class only: " + entry);
                }
                continue;
            }
            assertEquals(kafkaLibs, jar.getParent(), "every class path entry is one of Kafka's jars: " + entry);
            assertFalse(jar.getFileName().toString().startsWith("warp"), entry);
            assertFalse(jar.getFileName().toString().startsWith("postgresql"), entry);
        }
        assertTrue(classPath.stream().anyMatch(e -> Paths.get(e).getFileName().toString().startsWith("connect-json-")),
                "the worker has its own connect-json, as Kafka's distribution does: " + classPath);
        List<String> plugins = env.connect().connectorPlugins();
        assertTrue(plugins.contains("io.citus.warp.sink.CitusSinkConnector"), plugins.toString());
        assertTrue(plugins.contains("io.debezium.connector.postgresql.PostgresConnector"), plugins.toString());
    }

    @Test
    void nonFiniteAndNegativeZeroFloatsCrossBothConvertersInTheWorker(TestEnvironment env) throws Exception {
        try (Migration m = new Migration(env, "shipped")) {
            String schema = "CREATE TABLE readings (id int PRIMARY KEY, d double precision, r real, note text)";
            m.sourceSql(schema,
                    "INSERT INTO readings VALUES (1, 'NaN', 'NaN', 'nan'), (2, 'Infinity', '-Infinity', 'inf'),"
                            + " (3, '-0.0', '-0.0', 'negative zero'), (4, 1.5, 2.25, NULL), (5, NULL, NULL, 'nulls')");
            m.targetSql(schema);
            m.deploySource("public.readings");
            m.deploySink("public.readings");
            TableDigest.awaitEqual(m, WAIT, "readings", "id");

            m.sourceSql("INSERT INTO readings VALUES (6, '-Infinity', 'Infinity', 'streamed'), (7, '-0.0', 'NaN', 'streamed')",
                    "UPDATE readings SET d = 'NaN' WHERE id = 4");
            TableDigest.awaitEqual(m, WAIT, "readings", "id");
            TableDigest.assertEqual(m, "readings", "id");
            try (var target = m.target(); var s = target.createStatement();
                 var rs = s.executeQuery("SELECT d::text, r::text FROM readings WHERE id = 7")) {
                assertTrue(rs.next());
                assertEquals("-0", rs.getString(1), "negative zero kept through the worker's converters");
                assertEquals("NaN", rs.getString(2));
            }
            Path log = env.workerLog();
            if (log != null) {
                String text = Files.readString(log);
                assertFalse(text.contains("LinkageError"), "no class-loading failure in the worker log " + log);
            }
        }
    }
}
