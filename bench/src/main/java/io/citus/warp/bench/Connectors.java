package io.citus.warp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.common.ConnectorPlaceholders;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.connect.ConnectRestException;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.connect.ConnectorTemplates.WireFormat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connector configs and their lifecycle through Connect REST: the shipped Debezium source and Citus sink
 * configs of one wire format (connectors/config/*.json, placeholders filled in, nothing else changed) and the peer's.
 */
public final class Connectors {
    private final BenchEnvironment env;
    private final String prefix;
    private final String sourceDatabase;
    private final WireFormat format;
    /** Changes to the shipped source config for this pass: a key mapped to null is removed. */
    private final Map<String, String> sourceEdits;

    public Connectors(BenchEnvironment env, String prefix, String sourceDatabase, WireFormat format) {
        this(env, prefix, sourceDatabase, format, Map.of());
    }

    public Connectors(BenchEnvironment env, String prefix, String sourceDatabase, WireFormat format, Map<String, String> sourceEdits) {
        this.env = env;
        this.prefix = prefix;
        this.sourceDatabase = sourceDatabase;
        this.format = format;
        this.sourceEdits = sourceEdits;
    }

    public WireFormat format() {
        return format;
    }

    public Map<String, String> sourceEdits() {
        return sourceEdits;
    }

    public String topic() {
        return prefix + ".changes";
    }

    public String prefix() {
        return prefix;
    }

    private Map<String, String> templateValues(String tables, String targetDatabase) {
        Map<String, String> v = new LinkedHashMap<>(new ConnectorPlaceholders(
                new ConnectorPlaceholders.Database(env.source().host(), env.source().port(), env.source().user(), sourceDatabase),
                new ConnectorPlaceholders.Database(env.target().host(), env.target().port(), env.target().user(),
                        targetDatabase == null ? "unused" : targetDatabase),
                env.secretsFile().toString(), prefix, "slot_" + prefix, "pub_" + prefix, tables).values());
        if (format.needsRegistry()) {
            v.put("schema.registry.url", env.schemaRegistry().apiUrl());
        }
        return v;
    }

    public Map<String, String> sourceConfig(String tables) {
        Map<String, String> config = new LinkedHashMap<>(ConnectorTemplates.render(format.sourceTemplate(), templateValues(tables, null)));
        // Debezium's snapshot loads the rows unless a scenario says otherwise (the base copy's put the shipped no_data back).
        config.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SOURCE);
        applySourceEdits(config);
        return config;
    }

    private void applySourceEdits(Map<String, String> config) {
        sourceEdits.forEach((k, v) -> {
            if (v == null) {
                config.remove(k);
            } else {
                config.put(k, v);
            }
        });
    }

    public Map<String, String> warpConfig(String targetDatabase) {
        Map<String, String> config = new LinkedHashMap<>(ConnectorTemplates.render(format.sinkTemplate(), templateValues("", targetDatabase)));
        config.putAll(ConnectorTemplates.DEBEZIUM_SNAPSHOT_SINK);
        return config;
    }

    /**
     * A shipped config exactly as a user deploys it by REST: the template of this wire format ({@code source}, {@code sink})
     * or connectors/config/base-copy.json, placeholders filled in, nothing else changed (the pass's source edits apart).
     */
    public Map<String, String> shipped(String template, String tables, String targetDatabase) {
        Map<String, String> config = new LinkedHashMap<>(ConnectorTemplates.render(template, templateValues(tables, targetDatabase)));
        if (template.equals(format.sourceTemplate())) {
            applySourceEdits(config);
        }
        return config;
    }

    public Map<String, String> peerConfig(String targetDatabase, BenchOptions options) {
        Map<String, String> peer = PeerConfig.render(env, topic(), targetDatabase, options);
        if (format != WireFormat.JSON) {
            // The peer reads the records with the very converter settings of Warp's sink for this format.
            peer.keySet().removeIf(k -> k.startsWith("key.converter") || k.startsWith("value.converter"));
            warpConfig(targetDatabase).forEach((k, v) -> {
                if (k.startsWith("key.converter") || k.startsWith("value.converter")) {
                    peer.put(k, v);
                }
            });
        }
        return peer;
    }

    /** A value converter configured as Warp's sink configures it for this wire format, for reading the topic in the harness. */
    public org.apache.kafka.connect.storage.Converter sinkValueConverter() {
        Map<String, String> sink = warpConfig("unused");
        Map<String, Object> settings = new HashMap<>();
        sink.forEach((k, v) -> {
            if (k.startsWith("value.converter.")) {
                settings.put(k.substring("value.converter.".length()), v);
            }
        });
        try {
            org.apache.kafka.connect.storage.Converter converter = (org.apache.kafka.connect.storage.Converter)
                    Class.forName(sink.get("value.converter")).getDeclaredConstructor().newInstance();
            converter.configure(settings, false);
            return converter;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the sink's value converter " + sink.get("value.converter"), e);
        }
    }

    public void deploy(String name, Map<String, String> config) {
        connect().putConnectorConfig(name, config);
    }

    public ConnectClient connect() {
        return env.connect();
    }

    /** Throws with the worker's trace when the connector or a task has FAILED. */
    public void checkNotFailed(String name) {
        JsonNode status;
        try {
            status = connect().status(name);
        } catch (ConnectRestException e) {
            if (e.status() == 404) {
                return; // just deployed: the worker has no status for it yet
            }
            throw e;
        }
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            throw new IllegalStateException(name + " FAILED: " + status.path("connector").path("trace").asText());
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                throw new IllegalStateException(name + " task " + task.path("id") + " FAILED: " + task.path("trace").asText());
            }
        }
    }

    /** Waits until the connector and its tasks are in {@code state} (RUNNING, PAUSED). */
    public void awaitState(String name, String state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkNotFailed(name);
            JsonNode status;
            try {
                status = connect().status(name);
            } catch (ConnectRestException e) {
                if (e.status() != 404) {
                    throw e;
                }
                status = com.fasterxml.jackson.databind.node.NullNode.getInstance();
            }
            boolean all = state.equals(status.path("connector").path("state").asText()) && !status.path("tasks").isEmpty();
            for (JsonNode task : status.path("tasks")) {
                all &= state.equals(task.path("state").asText());
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not " + state + " after " + timeout.toSeconds() + "s: " + status);
            }
            Thread.sleep(100);
        }
    }

    public void delete(String name) {
        connect().delete(name);
    }
}
