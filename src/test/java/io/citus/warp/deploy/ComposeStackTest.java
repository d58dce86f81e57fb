package io.citus.warp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citus.warp.cli.Warp;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * compose/ has never run here (no Docker engine), so what can be checked without one is checked: the connector configs
 * that the README's {@code warp migrate} command would deploy (rendered by {@code warp start --print} with the same
 * options) name only hosts of the compose file and files mounted into its Connect container, and the worker config is
 * the one deploy/ documents.
 */
@Tag("unit")
class ComposeStackTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir(String name) {
        for (Path p : new Path[] {Paths.get("..", name), Paths.get(name)}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException(name + "/ not found from " + Paths.get("").toAbsolutePath());
    }

    private static JsonNode compose() throws IOException {
        return YAML.readTree(dir("compose").resolve("docker-compose.yml").toFile());
    }

    /** The README's {@code ./warp migrate ...} command, continuation lines joined, split into arguments. */
    static List<String> migrateCommand() throws IOException {
        String readme = Files.readString(dir("compose").resolve("README.md"));
        Matcher m = Pattern.compile("(?m)^\\./warp migrate ((?:[^\\n]*\\\\\\n)*[^\\n]*)$").matcher(readme);
        assertTrue(m.find(), "compose/README.md has no ./warp migrate command");
        List<String> args = new ArrayList<>();
        Matcher token = Pattern.compile("'([^']*)'|(\\S+)").matcher(m.group(1).replace("\\\n", " "));
        while (token.find()) {
            args.add(token.group(1) != null ? token.group(1) : token.group(2));
        }
        return args;
    }

    /** The options of {@code args} that {@code warp start} takes (migrate's own, like --create-schema, left out). */
    static List<String> startOptions(List<String> args) {
        CommandSpec start = Warp.commandLine().getSubcommands().get("start").getCommandSpec();
        CommandSpec migrate = Warp.commandLine().getSubcommands().get("migrate").getCommandSpec();
        List<String> kept = new ArrayList<>();
        for (Iterator<String> it = args.iterator(); it.hasNext(); ) {
            String name = it.next();
            OptionSpec option = migrate.findOption(name);
            assertNotNull(option, "warp migrate has no option " + name);
            boolean takesValue = option.arity().max() > 0;
            String value = takesValue ? it.next() : null;
            if (start.findOption(name) != null) {
                kept.add(name);
                if (value != null) {
                    kept.add(value);
                }
            }
        }
        return kept;
    }

    private static Map<String, Map<String, String>> renderedConfigs() throws IOException {
        List<String> args = new ArrayList<>(List.of("start", "--print"));
        args.addAll(startOptions(migrateCommand()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Warp.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        assertEquals(Warp.OK, code, "warp " + args + " failed: " + err);
        Map<String, Map<String, String>> configs = new HashMap<>();
        JSON.readTree(out.toString()).fields().forEachRemaining(e -> {
            Map<String, String> c = new HashMap<>();
            e.getValue().fields().forEachRemaining(f -> c.put(f.getKey(), f.getValue().asText()));
            configs.put(e.getKey(), c);
        });
        assertEquals(2, configs.size(), "a source and a sink config: " + out);
        return configs;
    }

    @Test
    void theConnectorsReachOnlyHostsOfTheStackByTheirServiceNames() throws IOException {
        JsonNode services = compose().get("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        Map<String, Map<String, String>> configs = renderedConfigs();
        List<String> endpoints = new ArrayList<>();
        for (Map<String, String> c : configs.values()) {
            if (c.containsKey("database.hostname")) {
                endpoints.add(c.get("database.hostname") + ":" + c.get("database.port"));
            }
            if (c.containsKey("connection.url")) {
                URI url = URI.create(c.get("connection.url").substring("jdbc:".length()));
                endpoints.add(url.getHost() + ":" + url.getPort());
            }
            if (c.containsKey("kafka.bootstrap.servers")) {
                endpoints.addAll(List.of(c.get("kafka.bootstrap.servers").split(",")));
            }
        }
        assertEquals(3, endpoints.size(), "source, target and Kafka endpoints in the configs: " + configs);
        for (String endpoint : endpoints) {
            String host = endpoint.substring(0, endpoint.lastIndexOf(':'));
            assertTrue(names.contains(host), endpoint + " in a connector config is not a service of the compose file " + names
                    + " (the connectors run inside the Connect container, where localhost is the container itself)");
        }
        // Kafka's in-network listener, not the one published for the host.
        String listeners = services.get("kafka").get("environment").get("KAFKA_ADVERTISED_LISTENERS").asText();
        for (String endpoint : endpoints) {
            if (endpoint.startsWith("kafka:")) {
                assertTrue(listeners.contains("://" + endpoint), endpoint + " is not an advertised listener: " + listeners);
            }
        }
    }

    @Test
    void theSecretsTheConnectorsReferenceAreMountedIntoConnectAndAllowed() throws IOException {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode volume : compose().get("services").get("connect").get("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[1], parts[0]);
        }
        Properties worker = properties(dir("compose").resolve("connect-distributed.properties"));
        Set<String> referenced = new TreeSet<>();
        Pattern ref = Pattern.compile("\\$\\{file:([^:}]+):([^}]+)}");
        for (Map<String, String> c : renderedConfigs().values()) {
            for (String v : c.values()) {
                Matcher m = ref.matcher(v);
                while (m.find()) {
                    String path = m.group(1);
                    referenced.add(m.group(2));
                    String hostFile = mounts.get(path);
                    assertNotNull(hostFile, path + " is not mounted into the Connect container: " + mounts);
                    Properties secrets = properties(dir("compose").resolve(hostFile));
                    assertNotNull(secrets.getProperty(m.group(2)), hostFile + " has no " + m.group(2));
                    String allowed = worker.getProperty("config.providers.file.param.allowed.paths");
                    assertTrue(allowed != null && List.of(allowed.split(",")).stream().anyMatch(a -> path.startsWith(a + "/")),
                            path + " is outside the worker's allowed.paths " + allowed);
                }
            }
        }
        assertEquals(Set.of("source.password", "target.password"), referenced);
        assertTrue(mounts.containsKey(worker.getProperty("plugin.path")), "plugin.path is mounted: " + mounts);
    }

    @Test
    void theWorkerHasEverySettingDeployDocuments() throws IOException {
        Properties documented = properties(dir("deploy").resolve("connect-worker.properties"));
        Properties compose = properties(dir("compose").resolve("connect-distributed.properties"));
        for (String key : documented.stringPropertyNames()) {
            if (key.equals("plugin.path") || key.equals("config.providers.file.param.allowed.paths")) {
                assertNotNull(compose.getProperty(key), key); // paths of this stack's mounts
            } else {
                assertEquals(documented.getProperty(key), compose.getProperty(key), "compose worker setting " + key);
            }
        }
    }

    @Test
    void theCitusNodesLetTheCoordinatorInAndKafkaIsTheTestedVersion() throws IOException {
        JsonNode services = compose().get("services");
        String kafka = AppInfoParser.getVersion();
        for (String name : List.of("kafka", "connect")) {
            assertEquals("apache/kafka:" + kafka, services.get(name).get("image").asText(), name + " runs the Kafka the build tests");
        }
        String setup = services.get("citus-setup").get("entrypoint").toString();
        Matcher added = Pattern.compile("citus_add_node\\('([a-z0-9-]+)'").matcher(setup);
        int workers = 0;
        while (added.find()) {
            workers++;
            JsonNode env = services.get(added.group(1)).get("environment");
            // citus_add_node and every distributed query connect from the coordinator without a password.
            assertEquals("trust", env.path("POSTGRES_HOST_AUTH_METHOD").asText(), added.group(1) + " must let the coordinator in");
        }
        assertEquals(2, workers);
        assertEquals("trust", services.get("coordinator").get("environment").path("POSTGRES_HOST_AUTH_METHOD").asText());
        assertFalse(services.get("worker1").has("ports"), "workers with trust auth are not published");
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }
}
