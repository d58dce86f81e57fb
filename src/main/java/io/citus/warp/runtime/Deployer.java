package io.citus.warp.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.connect.ConnectClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Validates and deploys a migration's connectors through Connect REST. */
public final class Deployer {
    private Deployer() {
    }

    /** {@code PUT /connector-plugins/{class}/config/validate}: the errors it reports, as "key: message". */
    public static List<String> validate(ConnectClient client, String name, Map<String, String> config) {
        Map<String, String> named = new java.util.LinkedHashMap<>(config);
        named.put("name", name);
        JsonNode answer = client.validate(config.get("connector.class"), named);
        List<String> errors = new ArrayList<>();
        if (answer.path("error_count").asInt() == 0) {
            return errors;
        }
        for (JsonNode c : answer.path("configs")) {
            for (JsonNode e : c.path("value").path("errors")) {
                errors.add(c.path("value").path("name").asText() + ": " + e.asText());
            }
        }
        return errors;
    }

    /** Validates both configs; deploys both (idempotent PUT) only when neither has errors. Returns the errors. */
    public static List<String> deploy(ConnectClient client, String sourceName, Map<String, String> source,
                                      String sinkName, Map<String, String> sink) {
        List<String> errors = validateBoth(client, sourceName, source, sinkName, sink);
        if (errors.isEmpty()) {
            put(client, sourceName, source, sinkName, sink);
        }
        return errors;
    }

    /** The errors of both configs, each prefixed with its connector's name. */
    public static List<String> validateBoth(ConnectClient client, String sourceName, Map<String, String> source,
                                            String sinkName, Map<String, String> sink) {
        List<String> errors = new ArrayList<>();
        validate(client, sourceName, source).forEach(e -> errors.add(sourceName + ": " + e));
        validate(client, sinkName, sink).forEach(e -> errors.add(sinkName + ": " + e));
        return errors;
    }

    /**
     * Creates or updates both connectors (idempotent PUT), the source first: it creates the topic with the settings of
     * its config (retention, cleanup policy), which a sink subscribing first could pre-empt by auto-creation.
     */
    public static void put(ConnectClient client, String sourceName, Map<String, String> source, String sinkName,
                           Map<String, String> sink) {
        client.putConnectorConfig(sourceName, source);
        client.putConnectorConfig(sinkName, sink);
    }
}
