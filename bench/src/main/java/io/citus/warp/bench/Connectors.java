package io.citus.warp.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.citus.warp.common.ConnectorPlaceholders;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.connect.ConnectRestException;
import io.citus.warp.connect.ConnectorTemplates;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connector configs and their lifecycle through Connect REST: the shipped Debezium source and Citus sink
 * configs (connectors/config/*.json, placeholders filled in, nothing else changed) and the peer's.
 */
public final class Connectors {
    private final BenchEnvironment env;
    private final String prefix;
    private final String sourceDatabase;

    public Connectors(BenchEnvironment env, String prefix, String sourceDatabase) {
        this.env = env;
        this.prefix = prefix;
        this.sourceDatabase = sourceDatabase;
    }

    public String topic() {
        return prefix + ".changes";
    }

    public String prefix() {
        return prefix;
    }

    private Map<String, String> templateValues(String tables, String targetDatabase) {
        return new ConnectorPlaceholders(
                new ConnectorPlaceholders.Database(env.source().host(), env.source().port(), env.source().user(), sourceDatabase),
                new ConnectorPlaceholders.Database(env.target().host(), env.target().port(), env.target().user(),
                        targetDatabase == null ? "unused" : targetDatabase),
                env.secretsFile().toString(), prefix, "slot_" + prefix, "pub_" + prefix, tables).values();
    }

    public Map<String, String> sourceConfig(String tables) {
        return ConnectorTemplates.render(ConnectorTemplates.SOURCE_POSTGRES, templateValues(tables, null));
    }

    public Map<String, String> warpConfig(String targetDatabase) {
        return new LinkedHashMap<>(ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, templateValues("", targetDatabase)));
    }

    public Map<String, String> peerConfig(String targetDatabase, BenchOptions options) {
        return PeerConfig.render(env, topic(), targetDatabase, options);
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
