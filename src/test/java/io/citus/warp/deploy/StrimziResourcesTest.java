package io.citus.warp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.migration.MigrationNames;
import io.citus.warp.common.SinkConfigKeys;
import io.citus.warp.common.TableName;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.runtime.Deployment;
import io.citus.warp.runtime.KafkaConnectorResources;
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
 * strimzi-kafka-operator's packaging/install/cluster-operator, Apache License 2.0), against the operator's own rules beyond
 * the schema ({@link StrimziOperatorRules}: mount paths, keys it drops, files the connectors read, what it reconciles), and
 * against what {@code warp start} PUTs and {@code warp start --print-strimzi} writes.
 * <p>
 * No cluster runs here, so the schema checks are those of the API server's structural schema: types, required fields,
 * enums, patterns, and unknown fields (which Kubernetes would silently drop). CEL rules
 * (x-kubernetes-validations) are not evaluated.
 */
@Tag("unit")
class StrimziResourcesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path repo(String relative) {
        return RepoFiles.path(relative);
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
                    if (!resource.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                        continue; // core resources (the metrics ConfigMap): MetricsFilesTest
                    }
                    List<String> errors = errors(resource, crds);
                    assertTrue(errors.isEmpty(), file.getFileName() + " " + resource.path("metadata").path("name").asText() + ": " + errors);
                    resources++;
                }
            }
        }
        assertEquals(4, resources, "a KafkaConnect and three KafkaConnectors (source, sink, base copy)");
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
        // Strimzi verifies the download against sha512sum: the one shipped is that of the archive the build resolves.
        String archive = System.getProperty("warp.debezium.archive");
        if (archive != null && !archive.startsWith("${")) {
            String sha512 = java.util.HexFormat.of().formatHex(sha512(Paths.get(archive)));
            spec.path("build").path("plugins").forEach(p -> {
                if (p.path("name").asText().equals("debezium-connector-postgres")) {
                    assertEquals(sha512, p.path("artifacts").get(0).path("sha512sum").asText());
                }
            });
        }
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

    /**
     * The migration of the example (deploy/README.md): {@code warp start --name shop --tables public.orders,public.customers
     * --source 'jdbc:postgresql://source-db.example.svc:5432/shop?user=warp&sslmode=verify-full&sslrootcert=/mnt/warp-secrets/root.crt'
     * --target ... --secrets-file /mnt/warp-secrets/secrets.properties --sink-config kafka.bootstrap.servers=... --sink-config
     * kafka.admin.*=... --print-strimzi DIR}, with the base copy: the very Deployment start renders, PUTs or writes.
     */
    static Deployment exampleDeployment() {
        PgEndpoint source = PgEndpoint.parseUrl("jdbc:postgresql://source-db.example.svc:5432/shop?user=warp&sslmode=verify-full"
                + "&sslrootcert=/mnt/warp-secrets/root.crt");
        PgEndpoint target = PgEndpoint.parseUrl("jdbc:postgresql://citus-coordinator.example.svc:5432/shop?user=warp&sslmode=verify-full"
                + "&sslrootcert=/mnt/warp-secrets/root.crt");
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put(SinkConfigKeys.SCHEMA_CHANGES_SLOT, "warp_shop");
        sink.put(SinkConfigKeys.BASE_COPY_SLOT, "warp_shop");
        sink.put(SinkConfigKeys.KAFKA_BOOTSTRAP_SERVERS, "my-cluster-kafka-bootstrap:9093");
        sink.put("kafka.admin.security.protocol", "SSL");
        sink.put("kafka.admin.ssl.truststore.type", "PEM");
        sink.put("kafka.admin.ssl.truststore.location", "/mnt/kafka-cluster-ca/ca.crt");
        return new Deployment(new MigrationNames("shop"), source, target,
                List.of(TableName.parse("public.orders"), TableName.parse("public.customers")), "/mnt/warp-secrets/secrets.properties",
                SinkConfigKeys.DEFAULT_PROGRESS_SCHEMA, BaseCopy.SOURCE_SETTINGS, sink);
    }

    private static Map<String, String> asConnect(String name, Map<String, String> put) {
        Map<String, String> config = new LinkedHashMap<>(put);
        config.put("name", name); // GET /connectors/{name}/config adds it
        return config;
    }

    @Test
    void theShippedConnectorsAreExactlyWhatWarpStartWouldPutSoTheOperatorChangesNothing() throws IOException {
        Deployment d = exampleDeployment();
        Map<String, Map<String, String>> put = Map.of("warp-shop-source", asConnect("warp-shop-source", d.sourceConfig()),
                "warp-shop-sink", asConnect("warp-shop-sink", d.sinkConfig()));
        List<JsonNode> connectors = documents(repo("deploy/strimzi/kafka-connectors.yaml"));
        assertEquals(put.keySet(), Set.of(connectors.get(0).path("metadata").path("name").asText(),
                connectors.get(1).path("metadata").path("name").asText()));
        for (JsonNode connector : connectors) {
            String name = connector.path("metadata").path("name").asText();
            assertEquals(new java.util.TreeMap<>(put.get(name)), new java.util.TreeMap<>(StrimziOperatorRules.operatorConfig(connector)),
                    name + ": the operator would PUT this config, and re-PUT it over any other");
        }
        // What makes the base copy work, and the sink's position check: kept by the operator because the resources say so.
        assertEquals("no_data", StrimziOperatorRules.operatorConfig(connectors.get(0)).get("snapshot.mode"));
        assertEquals("warp_shop", StrimziOperatorRules.operatorConfig(connectors.get(1)).get(SinkConfigKeys.BASE_COPY_SLOT));
    }

    /** The base copy inside Connect, for the same migration: what warp start --initial-load connector would PUT. */
    @Test
    void theShippedBaseCopyConnectorIsExactlyWhatWarpStartWouldPut() throws IOException {
        Map<String, String> put = asConnect("warp-shop-copy",
                exampleDeployment().baseCopyConfig(new io.citus.warp.basecopy.BaseCopyOptions(4, 100_000, false)));
        JsonNode copy = documents(repo("deploy/strimzi/kafka-connector-base-copy.yaml")).get(0);
        assertEquals("warp-shop-copy", copy.path("metadata").path("name").asText());
        assertEquals(new java.util.TreeMap<>(put), new java.util.TreeMap<>(StrimziOperatorRules.operatorConfig(copy)),
                "the operator would PUT this config, and re-PUT it over any other");
        List<JsonNode> connectors = documents(repo("deploy/strimzi/kafka-connectors.yaml"));
        assertEquals(StrimziOperatorRules.operatorConfig(connectors.get(0)).get("slot.name"),
                StrimziOperatorRules.operatorConfig(copy).get("slot.name"), "the copy waits for the source's slot");
        assertEquals(List.of(), StrimziOperatorRules.errors(documents(repo("deploy/strimzi/kafka-connect.yaml")).get(0), List.of(copy)));
    }

    @Test
    void printStrimziWritesEveryValueAsTheOperatorWillPutIt(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.citus.warp.sink.CitusSinkConnector");
        config.put("tasks.max", "1");
        config.put("name", "ignored");
        config.put("table.include.list", "public\\.orders,\"odd\"\\.\"Name: yes # no\"");
        config.put("connection.password", "${file:/mnt/warp-secrets/secrets.properties:target.password}");
        config.put("poll.interval.ms", "50");
        config.put("flag", "true");
        config.put("empty", "");
        config.put("multi", "line1\nline2 'quoted' \\ end");
        Path file = KafkaConnectorResources.write(dir, "warp-connect", "warp-x-source", config, "warp-x-sink", config).get(1);
        JsonNode resource = documents(file).get(0);
        assertEquals(List.of(), errors(resource, crdsByKind()), "valid against the CRD");
        assertEquals("warp-connect", resource.path("metadata").path("labels").path("strimzi.io/cluster").asText());
        Map<String, String> expected = new LinkedHashMap<>(config);
        expected.put("name", "warp-x-sink");
        assertEquals(new java.util.TreeMap<>(expected), new java.util.TreeMap<>(StrimziOperatorRules.operatorConfig(resource)));
        resource.path("spec").path("config").forEach(v -> assertTrue(v.isTextual(), "every value a string: " + v));
        for (String owned : KafkaConnectorResources.OPERATOR_OWNED_KEYS) {
            assertFalse(resource.path("spec").path("config").has(owned), owned + " would be dropped by the operator");
        }
    }

    @Test
    void theShippedResourcesPassTheOperatorsOwnRules() throws IOException {
        JsonNode connect = documents(repo("deploy/strimzi/kafka-connect.yaml")).get(0);
        List<JsonNode> connectors = documents(repo("deploy/strimzi/kafka-connectors.yaml"));
        assertEquals(List.of(), StrimziOperatorRules.errors(connect, connectors));
        // The sink's position check reaches the cluster Connect uses, over TLS with the cluster CA that Connect trusts.
        JsonNode sink = connectors.stream().filter(c -> c.path("spec").path("class").asText().endsWith("CitusSinkConnector")).findFirst().orElseThrow();
        JsonNode config = sink.path("spec").path("config");
        assertEquals(connect.path("spec").path("bootstrapServers").asText(), config.path(SinkConfigKeys.KAFKA_BOOTSTRAP_SERVERS).asText());
        assertTrue(connect.path("spec").has("tls"));
        assertEquals("SSL", config.path("kafka.admin.security.protocol").asText());
        String caSecret = connect.path("spec").path("tls").path("trustedCertificates").get(0).path("secretName").asText();
        String caVolume = null;
        for (JsonNode v : connect.path("spec").path("template").path("pod").path("volumes")) {
            if (caSecret.equals(v.path("secret").path("secretName").asText())) {
                caVolume = v.path("name").asText();
            }
        }
        assertNotNull(caVolume, "the cluster CA secret " + caSecret + " is mounted");
        String caMount = null;
        for (JsonNode m : connect.path("spec").path("template").path("connectContainer").path("volumeMounts")) {
            if (m.path("name").asText().equals(caVolume)) {
                caMount = m.path("mountPath").asText();
            }
        }
        assertTrue(config.path("kafka.admin.ssl.truststore.location").asText().startsWith(caMount + "/"), config.toString());
        // The optional Role for strimzisecrets: the one mounted Secret, read only, for the service account Strimzi gives the pods.
        List<JsonNode> rbac = documents(repo("deploy/strimzi/secrets-role.yaml"));
        JsonNode role = rbac.get(0);
        JsonNode binding = rbac.get(1);
        String secretsVolumeSecret = connect.path("spec").path("template").path("pod").path("volumes").get(0).path("secret").path("secretName").asText();
        assertEquals(List.of(secretsVolumeSecret), JSON.convertValue(role.path("rules").get(0).path("resourceNames"), List.class));
        assertEquals(List.of("get"), JSON.convertValue(role.path("rules").get(0).path("verbs"), List.class));
        assertEquals(connect.path("metadata").path("name").asText() + "-connect", binding.path("subjects").get(0).path("name").asText(),
                "KafkaConnectResources.serviceAccountName");
        assertEquals(role.path("metadata").path("name").asText(), binding.path("roleRef").path("name").asText());
        // The metrics rules the KafkaConnect names are in this directory.
        String configMap = connect.path("spec").path("metricsConfig").path("valueFrom").path("configMapKeyRef").path("name").asText();
        assertEquals(configMap, documents(repo("deploy/strimzi/metrics-config.yaml")).get(0).path("metadata").path("name").asText());
    }

    @Test
    void theOperatorRulesRejectWhatTheOperatorWould() throws IOException {
        JsonNode connect = documents(repo("deploy/strimzi/kafka-connect.yaml")).get(0);
        List<JsonNode> connectors = documents(repo("deploy/strimzi/kafka-connectors.yaml"));
        ObjectNode optMount = connect.deepCopy();
        ((ObjectNode) optMount.path("spec").path("template").path("connectContainer").path("volumeMounts").get(0))
                .put("mountPath", "/opt/kafka/warp-secrets");
        assertTrue(StrimziOperatorRules.errors(optMount, connectors).stream().anyMatch(e -> e.contains("Forbidden path found in additional volumes")),
                StrimziOperatorRules.errors(optMount, connectors).toString());
        ObjectNode tasksInConfig = connectors.get(1).deepCopy();
        ((ObjectNode) tasksInConfig.path("spec").path("config")).put("tasks.max", "1");
        assertTrue(StrimziOperatorRules.errors(connect, List.of(tasksInConfig)).stream().anyMatch(e -> e.contains("dropped by the operator")));
        ObjectNode outside = connectors.get(1).deepCopy();
        ((ObjectNode) outside.path("spec").path("config")).put("connection.password", "${file:/etc/warp/secrets.properties:target.password}");
        List<String> outsideErrors = StrimziOperatorRules.errors(connect, List.of(outside));
        assertTrue(outsideErrors.stream().anyMatch(e -> e.contains("allowed.paths")) && outsideErrors.stream().anyMatch(e -> e.contains("no volume mount")),
                outsideErrors.toString());
        ObjectNode otherCluster = connectors.get(0).deepCopy();
        ((ObjectNode) otherCluster.path("metadata").path("labels")).put("strimzi.io/cluster", "other");
        assertFalse(StrimziOperatorRules.errors(connect, List.of(otherCluster)).isEmpty());
        // A KafkaConnector with Debezium's own snapshot (the template's snapshot.mode=initial) is not what start PUTs for the
        // base copy: the operator would revert start's connector to it.
        ObjectNode initial = connectors.get(0).deepCopy();
        ((ObjectNode) initial.path("spec").path("config")).put("snapshot.mode", "initial");
        assertFalse(StrimziOperatorRules.operatorConfig(initial).equals(asConnect("warp-shop-source", exampleDeployment().sourceConfig())));
    }

    private static byte[] sha512(Path file) throws IOException {
        try {
            return java.security.MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), name);
        return m.group(1);
    }
}
