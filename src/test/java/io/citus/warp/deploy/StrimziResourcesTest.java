package io.citus.warp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citus.warp.connect.ConnectorTemplates;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/strimzi/*.yaml against the Strimzi 1.2.0 CRDs (vendored in src/test/resources/strimzi from
 * strimzi-kafka-operator's packaging/install/cluster-operator, Apache License 2.0) and against connectors/config.
 * <p>
 * No cluster runs here, so the checks are those of the API server's structural schema: types, required fields,
 * enums, patterns, and unknown fields (which Kubernetes would silently drop). CEL rules
 * (x-kubernetes-validations) are not evaluated.
 */
@Tag("unit")
class StrimziResourcesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What `warp start` adds to the shipped configs (progress.stream; TLS parameters of the URLs). */
    private static final Set<String> ADDED_BY_WARP_START = Set.of("progress.stream", "database.sslrootcert");

    private static Path repo(String relative) {
        for (Path base : new Path[] {Paths.get(".."), Paths.get(".")}) {
            if (Files.exists(base.resolve(relative))) {
                return base.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found from " + Paths.get("").toAbsolutePath());
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            return new ArrayList<>(YAML.readValues(parser, JsonNode.class).readAll());
        }
    }

    private static JsonNode crd(String resource) throws IOException {
        try (InputStream in = StrimziResourcesTest.class.getResourceAsStream("/strimzi/" + resource)) {
            assertNotNull(in, resource);
            return YAML.readTree(in);
        }
    }

    private static Map<String, JsonNode> crdsByKind() throws IOException {
        Map<String, JsonNode> crds = new HashMap<>();
        for (String r : new String[] {"041-Crd-kafkaconnect.yaml", "047-Crd-kafkaconnector.yaml"}) {
            JsonNode crd = crd(r);
            crds.put(crd.path("spec").path("names").path("kind").asText(), crd);
        }
        return crds;
    }

    /** Errors of one resource against its CRD (empty when valid). */
    static List<String> errors(JsonNode resource, Map<String, JsonNode> crds) {
        List<String> errors = new ArrayList<>();
        String kind = resource.path("kind").asText();
        JsonNode crd = crds.get(kind);
        if (crd == null) {
            errors.add("no CRD for kind " + kind);
            return errors;
        }
        String[] apiVersion = resource.path("apiVersion").asText().split("/", 2);
        if (apiVersion.length != 2 || !apiVersion[0].equals(crd.path("spec").path("group").asText())) {
            errors.add(kind + ": apiVersion " + resource.path("apiVersion").asText() + " is not of group " + crd.path("spec").path("group"));
            return errors;
        }
        JsonNode version = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(apiVersion[1]) && v.path("served").asBoolean()) {
                version = v;
            }
        }
        if (version == null) {
            errors.add(kind + ": version " + apiVersion[1] + " is not served by the CRD");
            return errors;
        }
        if (resource.path("metadata").path("name").asText().isEmpty()) {
            errors.add(kind + ": metadata.name missing");
        }
        JsonNode schema = version.path("schema").path("openAPIV3Schema");
        ObjectNode body = resource.deepCopy();
        body.remove(List.of("apiVersion", "kind", "metadata"));
        validate(body, schema, kind, errors);
        return errors;
    }

    private static void validate(JsonNode value, JsonNode schema, String path, List<String> errors) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(path + ": must be an integer or a string");
            }
            return;
        }
        switch (schema.path("type").asText("")) {
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(path + ": must be an object");
                    return;
                }
                for (String forbidden : forbiddenKeys(schema.path("description").asText(""))) {
                    value.fieldNames().forEachRemaining(key -> {
                        if (key.equals(forbidden) || (forbidden.endsWith(".") && key.startsWith(forbidden))
                                || (!forbidden.endsWith(".") && key.startsWith(forbidden + "."))) {
                            errors.add(path + "." + key + ": may not be set here (the operator owns it: " + forbidden + ")");
                        }
                    });
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        errors.add(path + "." + required.asText() + ": required");
                    }
                }
                JsonNode properties = schema.path("properties");
                value.fields().forEachRemaining(field -> {
                    String child = path + "." + field.getKey();
                    if (properties.has(field.getKey())) {
                        validate(field.getValue(), properties.get(field.getKey()), child, errors);
                    } else if (schema.path("additionalProperties").isObject()) {
                        validate(field.getValue(), schema.path("additionalProperties"), child, errors);
                    } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()
                            && !schema.path("additionalProperties").asBoolean(false)) {
                        errors.add(child + ": unknown field (the API server would drop it)");
                    }
                });
                JsonNode oneOf = schema.path("oneOf");
                if (oneOf.isArray() && !oneOf.isEmpty()) {
                    int matching = 0;
                    for (JsonNode branch : oneOf) {
                        boolean all = true;
                        for (JsonNode required : branch.path("required")) {
                            all &= value.has(required.asText());
                        }
                        matching += all ? 1 : 0;
                    }
                    if (matching != 1) {
                        errors.add(path + ": must match exactly one of " + oneOf + " (matches " + matching + ")");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": must be an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.path("items"), path + "[" + i + "]", errors);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": must be a string, not " + value.getNodeType());
                } else if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
                    errors.add(path + ": '" + value.asText() + "' does not match " + schema.get("pattern").asText());
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": must be an integer");
                } else if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
                    errors.add(path + ": below the minimum " + schema.get("minimum"));
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    errors.add(path + ": must be a number");
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(path + ": must be a boolean");
                }
            }
            default -> {
                // untyped: preserved as given
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
    }

    /**
     * Strimzi lists in a config map's description the keys the operator sets itself ("Properties with the following
     * prefixes cannot be set: group.id, ... (with the exception of: ...)"); it ignores them in a resource.
     */
    static List<String> forbiddenKeys(String description) {
        Matcher m = Pattern.compile("cannot be set: ([^()]*?)\\.?(?: \\(with the exception|$)").matcher(description.trim());
        List<String> keys = new ArrayList<>();
        if (m.find()) {
            for (String key : m.group(1).split(",")) {
                if (!key.isBlank()) {
                    keys.add(key.trim());
                }
            }
        }
        return keys;
    }

    @Test
    void everyResourceIsValidAgainstTheStrimziCrds() throws IOException {
        Map<String, JsonNode> crds = crdsByKind();
        int resources = 0;
        try (var files = Files.list(repo("deploy/strimzi"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode resource : documents(file)) {
                    List<String> errors = errors(resource, crds);
                    assertTrue(errors.isEmpty(), file.getFileName() + " " + resource.path("metadata").path("name").asText() + ": " + errors);
                    resources++;
                }
            }
        }
        assertEquals(3, resources, "a KafkaConnect and two KafkaConnectors");
    }

    @Test
    void theValidatorRejectsWhatTheApiServerWould() throws IOException {
        Map<String, JsonNode> crds = crdsByKind();
        JsonNode connect = documents(repo("deploy/strimzi/kafka-connect.yaml")).get(0);
        ObjectNode typo = connect.deepCopy();
        ((ObjectNode) typo.path("spec")).set("replica", typo.path("spec").path("replicas"));
        assertTrue(errors(typo, crds).stream().anyMatch(e -> e.contains("spec.replica: unknown field")), errors(typo, crds).toString());
        ObjectNode badType = connect.deepCopy();
        ((ObjectNode) badType.path("spec").path("build").path("plugins").get(0).path("artifacts").get(0)).put("type", "tar.gz");
        assertTrue(errors(badType, crds).stream().anyMatch(e -> e.contains("is not one of")), errors(badType, crds).toString());
        ObjectNode ownedByTheOperator = connect.deepCopy();
        ((ObjectNode) ownedByTheOperator.path("spec").path("config")).put("group.id", "other");
        assertTrue(errors(ownedByTheOperator, crds).stream().anyMatch(e -> e.contains("config.group.id: may not be set")),
                errors(ownedByTheOperator, crds).toString());
        ObjectNode noBootstrap = connect.deepCopy();
        ((ObjectNode) noBootstrap.path("spec")).remove("bootstrapServers");
        assertTrue(errors(noBootstrap, crds).stream().anyMatch(e -> e.contains("spec.bootstrapServers: required")),
                errors(noBootstrap, crds).toString());
    }

    @Test
    void theConnectClusterRunsThePinnedKafkaAndBuildsBothPluginsOfThePinnedVersions() throws IOException {
        String pom = Files.readString(repo("pom.xml"));
        JsonNode spec = documents(repo("deploy/strimzi/kafka-connect.yaml")).get(0).path("spec");
        assertEquals(property(pom, "kafka.version"), spec.path("version").asText());
        Map<String, String> urls = new LinkedHashMap<>();
        spec.path("build").path("plugins").forEach(p -> urls.put(p.path("name").asText(), p.path("artifacts").get(0).path("url").asText()));
        assertEquals(Set.of("debezium-connector-postgres", "citus-warp-sink"), urls.keySet());
        assertTrue(urls.get("debezium-connector-postgres").endsWith("/debezium-connector-postgres-" + property(pom, "debezium.version")
                + "-plugin.tar.gz"), urls.toString());
        assertTrue(urls.get("citus-warp-sink").contains("warp-connectors-"), urls.toString());
        // The source-text converter (converters=sourcetext) is loaded by Debezium from its own plugin directory.
        List<String> debeziumArtifacts = new ArrayList<>();
        spec.path("build").path("plugins").forEach(p -> {
            if (p.path("name").asText().equals("debezium-connector-postgres")) {
                p.path("artifacts").forEach(a -> debeziumArtifacts.add(a.path("type").asText() + " " + a.path("url").asText()));
            }
        });
        assertTrue(debeziumArtifacts.stream().anyMatch(a -> a.startsWith("jar ") && a.contains("/warp-source-converter-")),
                debeziumArtifacts.toString());
        JsonNode config = spec.path("config");
        assertEquals("file", config.path("config.providers").asText());
        assertEquals("org.apache.kafka.common.config.provider.FileConfigProvider", config.path("config.providers.file.class").asText());
        // Connectors may override only the client settings the shipped configs set, and every one of them.
        assertEquals("Allowlist", config.path("connector.client.config.override.policy").asText());
        Set<String> allowed = Set.of(config.path("connector.client.config.override.allowlist").asText().split(","));
        for (String template : List.of(ConnectorTemplates.SINK_CITUS, ConnectorTemplates.SOURCE_POSTGRES)) {
            for (String key : ConnectorTemplates.raw(template).keySet()) {
                for (String prefix : List.of("consumer.override.", "producer.override.")) {
                    if (key.startsWith(prefix)) {
                        assertTrue(allowed.contains(key.substring(prefix.length())), key + " not in the allowlist " + allowed);
                    }
                }
            }
        }
    }

    @Test
    void theConnectorsAreTheShippedConfigsWithThePlaceholdersFilledIn() throws IOException {
        List<JsonNode> connectors = documents(repo("deploy/strimzi/kafka-connectors.yaml"));
        Map<String, String> templates = Map.of("io.debezium.connector.postgresql.PostgresConnector", ConnectorTemplates.SOURCE_POSTGRES,
                "io.citus.warp.sink.CitusSinkConnector", ConnectorTemplates.SINK_CITUS);
        assertEquals(2, connectors.size());
        for (JsonNode connector : connectors) {
            JsonNode spec = connector.path("spec");
            String template = templates.get(spec.path("class").asText());
            assertNotNull(template, "a connector of an unknown class: " + spec.path("class"));
            Map<String, String> shipped = new LinkedHashMap<>(ConnectorTemplates.raw(template));
            assertEquals(shipped.remove("connector.class"), spec.path("class").asText());
            assertEquals(shipped.remove("tasks.max"), spec.path("tasksMax").asText());
            Map<String, String> config = new LinkedHashMap<>();
            spec.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().isTextual()
                    ? e.getValue().asText() : JSON.valueToTree(e.getValue()).toString()));
            for (Map.Entry<String, String> e : shipped.entrySet()) {
                String value = config.get(e.getKey());
                assertNotNull(value, template + "'s " + e.getKey() + " is missing from the KafkaConnector " + connector.path("metadata").path("name"));
                assertTrue(filledIn(e.getValue()).matcher(value).matches(),
                        e.getKey() + " = " + value + " is not " + template + "'s " + e.getValue() + " filled in");
            }
            for (String key : config.keySet()) {
                assertTrue(shipped.containsKey(key) || ADDED_BY_WARP_START.contains(key),
                        key + " is in the KafkaConnector but neither in " + template + " nor added by warp start");
            }
            assertFalse(config.values().stream().anyMatch(v -> v.contains("{{")), "no placeholder left: " + config);
        }
    }

    /** The template value as a pattern: each {{placeholder}} matches any non-empty text; a URL may carry more parameters. */
    private static Pattern filledIn(String templateValue) {
        StringBuilder regex = new StringBuilder();
        Matcher m = Pattern.compile("\\{\\{[a-z0-9._-]+}}").matcher(templateValue);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(templateValue.substring(last, m.start()))).append(".+");
            last = m.end();
        }
        regex.append(Pattern.quote(templateValue.substring(last)));
        if (templateValue.startsWith("jdbc:")) {
            regex.append("(&.*)?");
        }
        return Pattern.compile(regex.toString());
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), name);
        return m.group(1);
    }
}
