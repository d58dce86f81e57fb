package io.citus.warp.runtime;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.connect.ConnectClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The migration's connectors as the base copy's {@link BaseCopy.Streaming}: deployed as soon as the copy's slot
 * exists (the sink holds the stream until the copy has finished), and, before an unfinished attempt's slot is
 * dropped, the Debezium source removed with its offsets, so that the next attempt's source starts at the new slot.
 * The sink stays: it has applied nothing, and skips what the old slot sent (committed before the new consistent point).
 */
public final class ConnectorStreaming implements BaseCopy.Streaming {
    private final ConnectClient client;
    private final String sourceName;
    private final Map<String, String> sourceConfig;
    private final String sinkName;
    private final Map<String, String> sinkConfig;
    private final Consumer<String> log;
    private KafkaClients kafka;
    private String topic;
    /** Set for operator-owned connectors: written as KafkaConnector resources into this directory, never PUT. */
    private Path resourcesDir;
    private String connectCluster;
    /** The base-copy connector deployed with the other two when the copy runs inside Connect; null otherwise. */
    private String copyName;
    private Map<String, String> copyConfig;

    public ConnectorStreaming(ConnectClient client, String sourceName, Map<String, String> sourceConfig, String sinkName,
                              Map<String, String> sinkConfig, Consumer<String> log) {
        this.client = client;
        this.sourceName = sourceName;
        this.sourceConfig = sourceConfig;
        this.sinkName = sinkName;
        this.sinkConfig = sinkConfig;
        this.log = log;
    }

    /** The connectors of a rendered deployment. */
    public ConnectorStreaming(ConnectClient client, Deployment deployment, String sourceName, String sinkName, Consumer<String> log) {
        this(client, sourceName, deployment.sourceConfig(), sinkName, deployment.sinkConfig(), log);
    }

    /** Deploys the base-copy connector too (the copy inside Connect; connectors/config/base-copy.json). */
    public ConnectorStreaming withBaseCopy(String name, Map<String, String> config) {
        this.copyName = name;
        this.copyConfig = config;
        return this;
    }

    /**
     * Why the base-copy connector cannot go on, when it or a task has FAILED (the first line of its trace); null while it
     * runs, or when warp cannot see it (operator-owned connectors behind Strimzi's network policy).
     */
    public String copyFailure() {
        if (copyName == null || client == null) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode status;
        try {
            status = client.status(copyName);
        } catch (io.citus.warp.connect.ConnectRestException e) {
            return null; // 404 until a worker has started it: not failed
        }
        List<com.fasterxml.jackson.databind.JsonNode> failed = new ArrayList<>();
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            failed.add(status.path("connector"));
        }
        status.path("tasks").forEach(t -> {
            if ("FAILED".equals(t.path("state").asText())) {
                failed.add(t);
            }
        });
        if (failed.isEmpty()) {
            return null;
        }
        String trace = failed.get(0).path("trace").asText("");
        int eol = trace.indexOf('\n');
        return copyName + (failed.get(0).has("id") ? " task " + failed.get(0).path("id").asText() : "") + " FAILED: "
                + (eol < 0 ? trace : trace.substring(0, eol));
    }

    /** Creates the change topic (see {@link ChangeTopic}) before deploying, when Kafka can be reached. */
    public ConnectorStreaming creatingTopic(KafkaClients kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        return this;
    }

    /**
     * For a Connect cluster whose connectors Strimzi owns: instead of PUTting the connectors, writes them as KafkaConnector
     * resources of Connect cluster {@code connectCluster} into {@code dir}, for the user to apply. {@code client} may then
     * be null (Strimzi's NetworkPolicy closes the REST API to all but the operator and the Connect pods).
     */
    public ConnectorStreaming asKafkaConnectors(Path dir, String connectCluster) {
        this.resourcesDir = dir;
        this.connectCluster = connectCluster;
        return this;
    }

    @Override
    public void start() {
        if (topic != null) {
            ChangeTopic.ensure(kafka, topic, sourceConfig, log);
        }
        if (resourcesDir != null) {
            List<Path> files = new ArrayList<>(KafkaConnectorResources.write(resourcesDir, connectCluster, sourceName, sourceConfig,
                    sinkName, sinkConfig));
            if (copyName != null) {
                files.add(KafkaConnectorResources.writeBaseCopy(resourcesDir, connectCluster, copyName, copyConfig));
            }
            log.accept("wrote the KafkaConnector resources " + files + "; apply them now (the sink holds the stream until the copy"
                    + " has finished): kubectl apply " + String.join(" ", files.stream().map(f -> "-f " + f).toList()));
            return;
        }
        Deployer.put(client, sourceName, sourceConfig, sinkName, sinkConfig);
        if (copyName != null) {
            client.putConnectorConfig(copyName, copyConfig);
            log.accept("deployed " + sourceName + ", " + sinkName + " and the base-copy connector " + copyName + " to " + client.baseUrl());
            return;
        }
        log.accept("deployed " + sourceName + " and " + sinkName + " to " + client.baseUrl());
    }

    @Override
    public void stop() throws InterruptedException {
        if (resourcesDir != null) {
            // The operator would recreate a connector warp deleted: the source must go through its resource, offsets too.
            if (client == null || client.exists(sourceName)) {
                String steps = String.join("\n  ", KafkaConnectorResources.removalSteps(sourceName));
                if (client != null) {
                    throw new IllegalStateException("an earlier base copy was interrupted and must start over, but the source connector "
                            + sourceName + " still reads its slot. Remove it with its offsets, then run warp start again:\n  " + steps);
                }
                log.accept("base copy start-over: if the KafkaConnector " + sourceName + " was applied, remove it with its offsets"
                        + " first (the slot cannot be dropped while it reads it):\n  " + steps);
            }
            return;
        }
        List<String> done = new ArrayList<>();
        client.removeWithOffsets(sourceName, "Debezium's source offsets", done);
        done.forEach(line -> log.accept("base copy start-over: " + line));
    }
}
