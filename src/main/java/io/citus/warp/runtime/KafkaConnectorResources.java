package io.citus.warp.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A migration's connectors as Strimzi {@code KafkaConnector} resources, for a Connect cluster whose connectors the operator
 * owns ({@code strimzi.io/use-connector-resources: "true"}): it deletes connectors that have no resource and PUTs the
 * resource's config again whenever the connector's differs, so warp must not deploy them itself; the user applies these.
 *
 * <p>Each resource carries exactly the config {@code warp start} would PUT: the operator compares {@code spec.config} plus
 * {@code spec.class} ({@code connector.class}), {@code spec.tasksMax} ({@code tasks.max}), {@code spec.version}
 * ({@code connector.plugin.version}) and the resource's name with the connector's config, and it silently drops those four
 * keys from {@code spec.config} ({@code AbstractConnectorSpec.FORBIDDEN_PARAMETERS}), so they move to their own fields.
 * Every value is written as a string, as Connect holds it.
 */
public final class KafkaConnectorResources {
    /** Keys the operator ignores in {@code spec.config}: it sets them from the resource's own fields. */
    public static final Set<String> OPERATOR_OWNED_KEYS = Set.of("name", "connector.class", "tasks.max", "connector.plugin.version");
    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaConnectorResources() {
    }

    /** One KafkaConnector resource as YAML (every scalar double-quoted, so no value is read as a number or boolean). */
    public static String render(String name, String connectCluster, Map<String, String> config, String header) {
        Map<String, String> rest = new LinkedHashMap<>(config);
        String connectorClass = rest.remove("connector.class");
        String tasksMax = rest.remove("tasks.max");
        String pluginVersion = rest.remove("connector.plugin.version");
        rest.remove("name");
        if (connectorClass == null) {
            throw new IllegalArgumentException("connector " + name + " has no connector.class");
        }
        StringBuilder y = new StringBuilder();
        for (String line : header.split("\n")) {
            y.append("# ").append(line).append('\n');
        }
        y.append("apiVersion: kafka.strimzi.io/v1\n");
        y.append("kind: KafkaConnector\n");
        y.append("metadata:\n");
        y.append("  name: ").append(quote(name)).append('\n');
        y.append("  labels:\n");
        y.append("    strimzi.io/cluster: ").append(quote(connectCluster)).append('\n');
        y.append("spec:\n");
        y.append("  class: ").append(quote(connectorClass)).append('\n');
        y.append("  tasksMax: ").append(Integer.parseInt(tasksMax == null ? "1" : tasksMax)).append('\n');
        if (pluginVersion != null) {
            y.append("  version: ").append(quote(pluginVersion)).append('\n');
        }
        y.append("  state: running\n");
        y.append("  config:\n");
        rest.forEach((k, v) -> y.append("    ").append(quote(k)).append(": ").append(quote(v)).append('\n'));
        return y.toString();
    }

    /** A JSON string literal is a YAML double-quoted scalar with the same escapes. */
    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code <connector>.yaml} for the source and the sink of a deployment into {@code dir}; returns the files. */
    public static List<Path> write(Path dir, String connectCluster, String sourceName, Map<String, String> sourceConfig,
                                   String sinkName, Map<String, String> sinkConfig) {
        try {
            Files.createDirectories(dir);
            Path source = dir.resolve(sourceName + ".yaml");
            Path sink = dir.resolve(sinkName + ".yaml");
            Files.writeString(source, render(sourceName, connectCluster, sourceConfig,
                    "Written by warp start --print-strimzi: the Debezium source exactly as warp start would PUT it.\n"
                            + "Apply with kubectl apply -f; the operator then owns the connector (delete this resource, never the connector)."));
            Files.writeString(sink, render(sinkName, connectCluster, sinkConfig,
                    "Written by warp start --print-strimzi: the Citus sink exactly as warp start would PUT it.\n"
                            + "Apply with kubectl apply -f; the operator then owns the connector (delete this resource, never the connector)."));
            return List.of(source, sink);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the KafkaConnector resources into " + dir, e);
        }
    }

    /** Writes {@code <connector>.yaml} for the base-copy connector (the copy inside Connect) into {@code dir}. */
    public static Path writeBaseCopy(Path dir, String connectCluster, String name, Map<String, String> config) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, render(name, connectCluster, config,
                    "Written by warp start --print-strimzi: the base-copy connector exactly as warp start would PUT it.\n"
                            + "Its tasks copy the existing rows; it writes no records. Once the copy has finished, delete this resource."));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the KafkaConnector resource into " + dir, e);
        }
    }

    /**
     * What to do, with kubectl, to remove operator-owned connectors together with their offsets: Strimzi resets offsets
     * only of a stopped connector ({@code strimzi.io/connector-offsets=reset}); deleting the resource alone would leave them
     * in Connect's offsets topic, where a new connector of the same name resumes from them.
     */
    public static List<String> removalSteps(String... connectors) {
        String names = String.join(" ", connectors);
        List<String> steps = new ArrayList<>();
        for (String connector : connectors) {
            steps.add("kubectl patch kafkaconnector " + connector + " --type merge -p '{\"spec\":{\"state\":\"stopped\"}}'");
        }
        steps.add("kubectl annotate kafkaconnector " + names + " strimzi.io/connector-offsets=reset"
                + "   (the operator removes the annotation once it has reset the offsets)");
        steps.add("kubectl delete kafkaconnector " + names);
        return steps;
    }
}
