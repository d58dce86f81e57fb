package io.citus.warp.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.runtime.KafkaConnectorResources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Strimzi operator (strimzi-kafka-operator 1.2, read from its source) enforces or does beyond the CRD schema,
 * as checks over a KafkaConnect and its KafkaConnectors:
 * <ul>
 *   <li>{@code TemplateUtils}: additional volume mounts only under {@code /mnt} (else "Forbidden path found in additional
 *   volumes. Should start with /mnt", and the KafkaConnect never becomes Ready);</li>
 *   <li>{@code AbstractConnectorSpec.FORBIDDEN_PARAMETERS}: {@code name, connector.class, tasks.max,
 *   connector.plugin.version} are dropped from a KafkaConnector's {@code spec.config};</li>
 *   <li>{@code AbstractConnectOperator.needsReconfiguring}: the connector's config in Connect is compared with
 *   {@code spec.config} plus those fields from {@code spec.class}, {@code spec.tasksMax}, {@code spec.version} and the
 *   resource's name, and PUT again when it differs ({@link #operatorConfig});</li>
 *   <li>a KafkaConnector belongs to the KafkaConnect named by its {@code strimzi.io/cluster} label, and connectors are
 *   reconciled only with {@code strimzi.io/use-connector-resources: "true"};</li>
 *   <li>every file a connector reads must be in the pod: under a mounted volume, and, for Connect's file config provider,
 *   under its {@code allowed.paths}.</li>
 * </ul>
 */
final class StrimziOperatorRules {
    static final String ALLOWED_MOUNT_PATH = "/mnt";
    private static final Pattern FILE_REFERENCE = Pattern.compile("\\$\\{file:([^:}]+):[^}]*}");
    private static final Pattern URL_FILE_PARAMETER = Pattern.compile("[?&](?:sslrootcert|sslcert|sslkey)=([^&]+)");

    private StrimziOperatorRules() {
    }

    /** The config the operator makes the connector have: what it PUTs, and what it compares Connect's config with. */
    static Map<String, String> operatorConfig(JsonNode connector) {
        Map<String, String> desired = new LinkedHashMap<>();
        connector.path("spec").path("config").fields().forEachRemaining(e -> {
            if (!KafkaConnectorResources.OPERATOR_OWNED_KEYS.contains(e.getKey())) {
                desired.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        });
        JsonNode spec = connector.path("spec");
        if (spec.has("tasksMax")) {
            desired.put("tasks.max", spec.path("tasksMax").asText());
        }
        if (spec.has("version")) {
            desired.put("connector.plugin.version", spec.path("version").asText());
        }
        desired.put("name", connector.path("metadata").path("name").asText());
        desired.put("connector.class", spec.path("class").asText());
        return desired;
    }

    /** Everything the operator would refuse, drop or change about these resources (empty: it takes them as they are). */
    static List<String> errors(JsonNode connect, List<JsonNode> connectors) {
        List<String> errors = new ArrayList<>();
        JsonNode spec = connect.path("spec");
        String cluster = connect.path("metadata").path("name").asText();
        if (!"true".equals(connect.path("metadata").path("annotations").path("strimzi.io/use-connector-resources").asText())) {
            errors.add("KafkaConnect " + cluster + ": without strimzi.io/use-connector-resources=\"true\" no KafkaConnector is reconciled");
        }
        List<String> volumes = new ArrayList<>();
        spec.path("template").path("pod").path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        List<String> mounts = new ArrayList<>();
        for (JsonNode mount : spec.path("template").path("connectContainer").path("volumeMounts")) {
            String path = mount.path("mountPath").asText();
            if (!path.startsWith(ALLOWED_MOUNT_PATH)) {
                errors.add("volume mount " + path + ": Forbidden path found in additional volumes. Should start with " + ALLOWED_MOUNT_PATH);
            }
            if (!volumes.contains(mount.path("name").asText())) {
                errors.add("volume mount " + path + " names no volume of the pod template: " + mount.path("name").asText());
            }
            mounts.add(path.endsWith("/") ? path : path + "/");
        }
        List<String> allowedPaths = new ArrayList<>();
        String allowed = spec.path("config").path("config.providers.file.param.allowed.paths").asText("");
        for (String p : allowed.split(",")) {
            if (!p.isBlank()) {
                allowedPaths.add(p.trim().endsWith("/") ? p.trim() : p.trim() + "/");
            }
        }
        boolean fileProvider = List.of(spec.path("config").path("config.providers").asText("").split(",")).contains("file");
        for (JsonNode connector : connectors) {
            String name = connector.path("metadata").path("name").asText();
            if (!cluster.equals(connector.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                errors.add(name + ": label strimzi.io/cluster does not name the KafkaConnect " + cluster);
            }
            JsonNode config = connector.path("spec").path("config");
            for (String key : KafkaConnectorResources.OPERATOR_OWNED_KEYS) {
                if (config.has(key)) {
                    errors.add(name + ": spec.config." + key + " is dropped by the operator (set spec.class/tasksMax/version instead)");
                }
            }
            config.fields().forEachRemaining(e -> {
                String value = e.getValue().asText();
                Matcher ref = FILE_REFERENCE.matcher(value);
                while (ref.find()) {
                    if (!fileProvider) {
                        errors.add(name + ": " + e.getKey() + " uses ${file:...} but the KafkaConnect declares no file config provider");
                    }
                    if (allowedPaths.stream().noneMatch(ref.group(1)::startsWith)) {
                        errors.add(name + ": " + e.getKey() + " reads " + ref.group(1) + ", outside the file provider's allowed.paths " + allowedPaths);
                    }
                    checkMounted(ref.group(1), name + ": " + e.getKey(), mounts, errors);
                }
                Matcher param = URL_FILE_PARAMETER.matcher(value);
                while (param.find()) {
                    if (!param.group(1).startsWith("${")) {
                        checkMounted(param.group(1), name + ": " + e.getKey(), mounts, errors);
                    }
                }
                if ((e.getKey().endsWith(".sslrootcert") || e.getKey().endsWith(".sslcert") || e.getKey().endsWith(".sslkey")
                        || e.getKey().endsWith("ssl.truststore.location") || e.getKey().endsWith("ssl.keystore.location"))
                        && !value.startsWith("${")) {
                    checkMounted(value, name + ": " + e.getKey(), mounts, errors);
                }
            });
        }
        return errors;
    }

    private static void checkMounted(String file, String where, List<String> mounts, List<String> errors) {
        if (mounts.stream().noneMatch(file::startsWith)) {
            errors.add(where + " reads " + file + ", which no volume mount of the KafkaConnect provides " + mounts);
        }
    }
}
