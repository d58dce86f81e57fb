package io.citus.warp.runtime;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.connect.ConnectClient;
import io.citus.warp.cutover.Teardown;

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

    /** Creates the change topic (see {@link ChangeTopic}) before deploying, when Kafka can be reached. */
    public ConnectorStreaming creatingTopic(KafkaClients kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
        return this;
    }

    @Override
    public void start() {
        if (topic != null) {
            ChangeTopic.ensure(kafka, topic, sourceConfig, log);
        }
        Deployer.put(client, sourceName, sourceConfig, sinkName, sinkConfig);
        log.accept("deployed " + sourceName + " and " + sinkName + " to " + client.baseUrl());
    }

    @Override
    public void stop() throws InterruptedException {
        List<String> done = new ArrayList<>();
        Teardown.removeConnector(client, sourceName, "Debezium's source offsets", done);
        done.forEach(line -> log.accept("base copy start-over: " + line));
    }
}
