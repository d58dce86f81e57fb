package io.citus.warp.testing;

import io.citus.warp.basecopy.BaseCopy;
import io.citus.warp.basecopy.BaseCopyOptions;
import io.citus.warp.basecopy.TableCopy;
import io.citus.warp.common.TableName;
import io.citus.warp.connect.ConnectorTemplates;
import io.citus.warp.db.PgEndpoint;
import io.citus.warp.runtime.ConnectorStreaming;
import io.citus.warp.runtime.KafkaClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two ways a migration's existing rows reach the target before it streams, both with the shipped connector
 * configs: Warp's own base copy ({@code COPY} under the slot's exported snapshot; Debezium then streams from that
 * slot with {@code snapshot.mode=no_data}, the change topic created first, as {@code warp start} does), or
 * Debezium's own snapshot ({@code snapshot.mode=initial}, the topic created by Connect). Tables keep their names
 * on the target.
 */
public enum InitialLoad {
    BASE_COPY, DEBEZIUM_SNAPSHOT;

    private static final Logger LOG = LoggerFactory.getLogger(InitialLoad.class);

    /** Loads {@code tables} and leaves both connectors deployed; the caller waits for the target to be equal. */
    public void start(Migration m, List<TableName> tables) throws Exception {
        String include = String.join(",", tables.stream().map(t -> t.toString().replace(".", "\\.")).toList());
        if (this == DEBEZIUM_SNAPSHOT) {
            m.deploySource(include);
            m.deploySink(include);
            return;
        }
        Map<String, String> values = m.templateValues(include);
        Map<String, String> source = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.SOURCE_POSTGRES, values));
        source.putAll(BaseCopy.SOURCE_SETTINGS);
        Map<String, String> sink = new HashMap<>(ConnectorTemplates.render(ConnectorTemplates.SINK_CITUS, values));
        sink.put("base.copy.slot", m.slotName());
        sink.put("kafka.bootstrap.servers", m.bootstrapServers());
        ConnectorStreaming streaming = new ConnectorStreaming(m.connect(), m.sourceConnector(), source, m.sinkConnector(), sink,
                LOG::info).creatingTopic(KafkaClients.of(m.bootstrapServers()), m.changesTopic());
        BaseCopy copy = new BaseCopy(endpoint(values, "source"), endpoint(values, "target"), "warp",
                new BaseCopyOptions(2, 10_000, false), LOG::info);
        copy.run(m.slotName(), m.publicationName(), tables.stream().map(TableCopy::same).toList(), streaming);
        m.awaitRunning(m.sourceConnector());
        m.awaitRunning(m.sinkConnector());
    }

    private static PgEndpoint endpoint(Map<String, String> values, String side) {
        return new PgEndpoint(values.get(side + ".host"), Integer.parseInt(values.get(side + ".port")), values.get(side + ".database"),
                values.get(side + ".user"), "", Map.of());
    }
}
